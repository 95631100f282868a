using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Analysis;

/// <summary>
/// Ranks functions by CPU cost over one or more profiles (the seed's "top CPU consumers,
/// cluster-wide"): values are summed across profiles, average cores is CPU time over the wall time
/// from the earliest start to the latest end.
/// </summary>
internal sealed class TopFunctions
{
    private readonly Dictionary<string, FunctionCost> _costs = new(StringComparer.Ordinal);
    private long _total;
    private string? _unit;
    private double? _secondsPerUnit;
    private long _firstStart = long.MaxValue;
    private long _lastEnd = long.MinValue;
    private int _profiles;

    /// <summary>Adds a profile's costs (its CPU time sample type).</summary>
    /// <exception cref="ArgumentException">Its unit differs from the profiles added before.</exception>
    public void Add(Pprof.Profile profile)
    {
        var index = SampleTypes.TimeIndex(profile);
        var type = profile.SampleTypes[index];
        var secondsPerUnit = SampleTypes.SecondsPerUnit(profile, index);
        // Sample counts of different periods cannot be summed as counts; convert them to nanoseconds.
        var scale = 1.0;
        var unit = type.Unit;
        if (secondsPerUnit is { } s && type.Unit != "nanoseconds")
        {
            scale = s * 1e9;
            unit = "nanoseconds";
            secondsPerUnit = 1e-9;
        }

        if (_unit is not null && _unit != unit)
        {
            throw new ArgumentException($"cannot add {unit} to {_unit}: the profiles measure different things", nameof(profile));
        }

        _unit = unit;
        _secondsPerUnit = secondsPerUnit;
        var (costs, total) = FunctionCosts.Of(profile, index);
        foreach (var (name, cost) in costs)
        {
            _costs.TryGetValue(name, out var sum);
            _costs[name] = new FunctionCost(sum.Self + (long)(cost.Self * scale), sum.Total + (long)(cost.Total * scale));
        }

        _total += (long)(total * scale);
        if (profile.TimeNanos != 0 && profile.DurationNanos > 0)
        {
            _firstStart = Math.Min(_firstStart, profile.TimeNanos);
            _lastEnd = Math.Max(_lastEnd, profile.TimeNanos + profile.DurationNanos);
        }

        _profiles++;
    }

    /// <summary>The <paramref name="top"/> costliest functions by <paramref name="by"/>, labelled with <paramref name="source"/>.</summary>
    public List<TopFunction> Rank(int top, CostMeasure by, string source)
    {
        var wallSeconds = _lastEnd > _firstStart ? (_lastEnd - _firstStart) / 1e9 : (double?)null;
        var ranked = _costs
            .Select(kv => (Name: kv.Key, Value: by == CostMeasure.Self ? kv.Value.Self : kv.Value.Total))
            .Where(static f => f.Value != 0)
            .OrderByDescending(static f => f.Value)
            .ThenBy(static f => f.Name, StringComparer.Ordinal)
            .Take(top)
            .ToList();
        var rows = new List<TopFunction>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++)
        {
            var (name, value) = ranked[i];
            double? seconds = _secondsPerUnit is { } s ? value * s : null;
            double? cores = seconds is { } cpu && wallSeconds is { } wall ? cpu / wall : null;
            rows.Add(new TopFunction(source, i + 1, name, value, _unit ?? string.Empty, _total == 0 ? 0 : (double)value / _total, seconds, cores, _profiles));
        }

        return rows;
    }
}
