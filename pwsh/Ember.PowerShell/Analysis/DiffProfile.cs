using Ember.Profiles;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Analysis;

/// <summary>
/// The profile <c>go tool pprof -diff_base BEFORE AFTER</c> would show: the after samples as they
/// are and the before samples with their values negated, so a function's value is its change.
/// </summary>
internal static class DiffProfile
{
    /// <summary>Combines the two profiles; they must have the same sample types.</summary>
    /// <exception cref="ArgumentException">The sample types differ.</exception>
    public static Pprof.Profile Build(Pprof.Profile before, Pprof.Profile after)
    {
        if (!before.SampleTypes.SequenceEqual(after.SampleTypes))
        {
            throw new ArgumentException(
                $"the profiles have different sample types ({SampleTypes.Describe(before)} vs {SampleTypes.Describe(after)})", nameof(after));
        }

        var diff = new Pprof.Profile
        {
            PeriodType = after.PeriodType,
            Period = after.Period,
            TimeNanos = after.TimeNanos,
            DurationNanos = after.DurationNanos,
            DefaultSampleType = after.DefaultSampleType,
        };
        diff.SampleTypes.AddRange(after.SampleTypes.Select(static t => new ProfileValueType(t.Type, t.Unit)));
        diff.Comments.Add("diff: values of the base profile negated (pprof -diff_base)");
        foreach (var sample in before.Samples)
        {
            diff.Samples.Add(Copy(sample, negate: true));
        }

        foreach (var sample in after.Samples)
        {
            diff.Samples.Add(Copy(sample, negate: false));
        }

        // The encoder gives every mapping, location and function reachable from a sample its own ID.
        return diff;
    }

    private static Pprof.Sample Copy(Pprof.Sample sample, bool negate)
    {
        var copy = new Pprof.Sample();
        copy.Locations.AddRange(sample.Locations);
        copy.Values.AddRange(negate ? sample.Values.Select(static v => -v) : sample.Values);
        copy.Labels.AddRange(sample.Labels);
        return copy;
    }
}
