using Ember.Profiles.Otlp;
using O = Ember.Profiles.Otlp;

namespace Ember.Profiles.Conversion;

/// <summary>
/// Decides whether OTLP profiles describe the same samples and so can become the sample types of one
/// pprof. Sample identity is OTLP's: stack, set of attributes and link. Stacks are compared by the
/// location objects they hold (a decoded dictionary gives each location index one object).
/// </summary>
internal static class SampleIdentity
{
    /// <summary>
    /// True when the profiles have, sample by sample, the same identity, and the same period and
    /// profile attributes (one pprof holds only one of each).
    /// </summary>
    public static bool CanMerge(O.Profile first, O.Profile other)
    {
        if (first.Samples.Count != other.Samples.Count
            || first.Period != other.Period
            || first.PeriodType != other.PeriodType
            || !SameAttributeSet(first.Attributes, other.Attributes))
        {
            return false;
        }

        for (var index = 0; index < first.Samples.Count; index++)
        {
            if (!SameIdentity(first.Samples[index], other.Samples[index]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameIdentity(O.Sample x, O.Sample y) =>
        SameStack(x.Stack, y.Stack) && SameLink(x.Link, y.Link) && SameAttributeSet(x.Attributes, y.Attributes);

    private static bool SameStack(Stack x, Stack y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x.Locations.Count != y.Locations.Count)
        {
            return false;
        }

        for (var index = 0; index < x.Locations.Count; index++)
        {
            if (!ReferenceEquals(x.Locations[index], y.Locations[index]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameLink(Link? x, Link? y)
    {
        var xEmpty = x is null || x.IsEmpty;
        var yEmpty = y is null || y.IsEmpty;
        if (xEmpty || yEmpty)
        {
            return xEmpty == yEmpty;
        }

        return ReferenceEquals(x, y)
            || (x!.TraceId.AsSpan().SequenceEqual(y!.TraceId) && x.SpanId.AsSpan().SequenceEqual(y.SpanId));
    }

    /// <summary>Set equality by value; keys are unique within a list, so counting matches suffices.</summary>
    private static bool SameAttributeSet(List<KeyValueAndUnit> x, List<KeyValueAndUnit> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        // Fast path: converters (ours included) write the same attributes in the same order.
        var index = 0;
        while (index < x.Count && (ReferenceEquals(x[index], y[index]) || x[index].Equals(y[index])))
        {
            index++;
        }

        for (; index < x.Count; index++)
        {
            if (!y.Contains(x[index]))
            {
                return false;
            }
        }

        return true;
    }
}
