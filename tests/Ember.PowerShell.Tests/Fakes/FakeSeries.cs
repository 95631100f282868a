using System.Text.RegularExpressions;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Tests.Fakes;

/// <summary>A profile a fake store holds, with its series labels and when it was taken.</summary>
public sealed record FakeSeries(IReadOnlyDictionary<string, string> Labels, Pprof.Profile Profile, DateTimeOffset Time);

/// <summary>The equality label matchers both stores accept: <c>{a="b",c="d"}</c>.</summary>
public static partial class FakeSelector
{
    /// <summary>Parses the matchers; throws <see cref="FormatException"/> on anything else, as a real store refuses it.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string selector)
    {
        var trimmed = selector.Trim();
        if (!trimmed.StartsWith('{') || !trimmed.EndsWith('}'))
        {
            throw new FormatException($"parse error: {selector}");
        }

        var matchers = new Dictionary<string, string>(StringComparer.Ordinal);
        var inner = trimmed[1..^1];
        var matches = Matcher().Matches(inner);
        if (string.Concat(matches.Select(m => m.Value)).Length != inner.Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Length)
        {
            throw new FormatException($"parse error: unsupported matcher in {selector}");
        }

        foreach (Match match in matches)
        {
            matchers[match.Groups[1].Value] = match.Groups[2].Value;
        }

        return matchers;
    }

    /// <summary>The series matching every matcher within [from, until].</summary>
    public static IEnumerable<FakeSeries> Select(IEnumerable<FakeSeries> series, string profileType, IReadOnlyDictionary<string, string> matchers, DateTimeOffset from, DateTimeOffset until) =>
        series.Where(s => s.Time >= from && s.Time <= until
            && s.Labels.GetValueOrDefault("__profile_type__") == profileType
            && matchers.All(m => s.Labels.GetValueOrDefault(m.Key) == m.Value));

    /// <summary>Samples of all the series in one profile (the stores' merge, without re-aggregation).</summary>
    public static Pprof.Profile Merge(IEnumerable<FakeSeries> series, Func<Pprof.Sample, bool>? keep = null)
    {
        var merged = new Pprof.Profile();
        foreach (var s in series)
        {
            if (merged.SampleTypes.Count == 0)
            {
                merged.SampleTypes.AddRange(s.Profile.SampleTypes);
                merged.PeriodType = s.Profile.PeriodType;
                merged.Period = s.Profile.Period;
            }

            merged.Samples.AddRange(s.Profile.Samples.Where(keep ?? (_ => true)));
        }

        return merged;
    }

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*""")]
    private static partial Regex Matcher();
}
