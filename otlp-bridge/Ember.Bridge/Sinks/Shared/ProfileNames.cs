using Ember.Profiles;
using P = Ember.Profiles.Pprof;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// The profile name (<c>__name__</c>, the first part of a profile type ID) for a pprof, following
/// the names Pyroscope and Parca use: anything measuring CPU is <c>process_cpu</c>, heap profiles are
/// <c>memory</c>; otherwise the period type (what the profile samples), else the first sample type,
/// as a valid label value.
/// </summary>
public static class ProfileNames
{
    /// <summary>The name of CPU profiles.</summary>
    public const string ProcessCpu = "process_cpu";

    /// <summary>The profile's name.</summary>
    public static string For(P.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var types = profile.SampleTypes.Select(t => t.Type).ToList();
        if (profile.PeriodType is { } period)
        {
            types.Add(period.Type);
        }

        if (types.Contains("cpu"))
        {
            return ProcessCpu;
        }

        if (types.Exists(t => t.StartsWith("alloc_", StringComparison.Ordinal) || t.StartsWith("inuse_", StringComparison.Ordinal)))
        {
            return "memory";
        }

        var name = profile.PeriodType is { Type.Length: > 0 } periodType ? periodType.Type : profile.SampleTypes.FirstOrDefault()?.Type;
        return (name is null ? null : LabelNames.Sanitize(name)) ?? "unknown";
    }

    /// <summary>True for (samples, count) sampled every period (cpu, nanoseconds): the eBPF profilers' CPU profile.</summary>
    public static bool IsCpuSampleCount(P.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.SampleTypes is [{ Type: "samples", Unit: "count" }]
            && profile.PeriodType is ProfileValueType { Type: "cpu", Unit: "nanoseconds" }
            && profile.Period > 0;
    }
}
