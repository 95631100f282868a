using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Analysis;

/// <summary>Compares two profiles function by function on sample counts (see <see cref="ShareDifference"/>).</summary>
internal static class ProfileComparison
{
    /// <summary>
    /// One row per function present in either profile, significant changes first, each group by the
    /// size of the change.
    /// </summary>
    /// <exception cref="ArgumentException">A profile has no sample count (no <c>count</c> type and no period).</exception>
    public static List<FunctionChange> Compare(Pprof.Profile before, Pprof.Profile after, CostMeasure by)
    {
        var (beforeCosts, beforeSamples) = Counts(before, nameof(before));
        var (afterCosts, afterSamples) = Counts(after, nameof(after));
        var rows = new List<FunctionChange>();
        foreach (var name in beforeCosts.Keys.Union(afterCosts.Keys, StringComparer.Ordinal))
        {
            beforeCosts.TryGetValue(name, out var b);
            afterCosts.TryGetValue(name, out var a);
            var (beforeHits, afterHits) = by == CostMeasure.Self ? (b.Self, a.Self) : (b.Total, a.Total);
            var change = Share(afterHits, afterSamples) - Share(beforeHits, beforeSamples);
            var (low, high) = ShareDifference.Interval95(beforeHits, beforeSamples, afterHits, afterSamples);
            rows.Add(new FunctionChange(name, by.ToString(),
                Share(b.Self, beforeSamples), Share(a.Self, afterSamples), Share(b.Total, beforeSamples), Share(a.Total, afterSamples),
                change, low, high));
        }

        return [.. rows
            .OrderByDescending(static r => r.Significant)
            .ThenByDescending(static r => Math.Abs(r.Change))
            .ThenBy(static r => r.Function, StringComparer.Ordinal)];
    }

    private static (Dictionary<string, FunctionCost> Costs, long Samples) Counts(Pprof.Profile profile, string name)
    {
        var count = SampleTypes.CountIndex(profile)
            ?? throw new ArgumentException($"the {name} profile has no sample counts (sample types {SampleTypes.Describe(profile)}, no period)", name);
        var (costs, total) = FunctionCosts.Of(profile, count.Index);
        if (count.Divisor == 1)
        {
            return (costs, total);
        }

        var scaled = costs.ToDictionary(
            static kv => kv.Key, kv => new FunctionCost(kv.Value.Self / count.Divisor, kv.Value.Total / count.Divisor), StringComparer.Ordinal);
        return (scaled, total / count.Divisor);
    }

    private static double Share(long value, long total) => total == 0 ? 0 : (double)value / total;
}
