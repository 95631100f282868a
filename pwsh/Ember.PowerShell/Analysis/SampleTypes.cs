using Ember.Profiles;
using Ember.Profiles.Rendering;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Analysis;

/// <summary>Picks the sample types the analyses need and converts their values.</summary>
internal static class SampleTypes
{
    private const double NanosPerSecond = 1e9;

    /// <summary>
    /// The sample type that measures CPU time: <c>cpu/nanoseconds</c> (Go, Ember agent OTLP→pprof),
    /// else any nanoseconds type, else the default sample type.
    /// </summary>
    public static int TimeIndex(Pprof.Profile profile)
    {
        var cpu = profile.SampleTypes.FindIndex(static t => t.Type == "cpu" && t.Unit == "nanoseconds");
        if (cpu >= 0)
        {
            return cpu;
        }

        var nanos = profile.SampleTypes.FindIndex(static t => t.Unit == "nanoseconds");
        return nanos >= 0 ? nanos : CallTree.DefaultSampleTypeIndex(profile);
    }

    /// <summary>Seconds per unit of the sample type at <paramref name="index"/>, or null when it is not time.</summary>
    public static double? SecondsPerUnit(Pprof.Profile profile, int index)
    {
        var type = profile.SampleTypes[index];
        if (type.Unit == "nanoseconds")
        {
            return 1 / NanosPerSecond;
        }

        // A count of samples taken every Period nanoseconds of CPU (Ember's samples/count, Go's samples/count).
        if (type.Unit == "count" && profile.PeriodType is { Unit: "nanoseconds" } && profile.Period > 0)
        {
            return profile.Period / NanosPerSecond;
        }

        return null;
    }

    /// <summary>
    /// The sample type that counts samples, for the binomial statistics: <c>*/count</c>, else the
    /// time type divided by the period; null when neither exists.
    /// </summary>
    public static (int Index, long Divisor)? CountIndex(Pprof.Profile profile)
    {
        var count = profile.SampleTypes.FindIndex(static t => t.Unit == "count");
        if (count >= 0)
        {
            return (count, 1);
        }

        var time = TimeIndex(profile);
        return profile.Period > 0 && profile.SampleTypes[time].Unit == profile.PeriodType?.Unit
            ? (time, profile.Period)
            : null;
    }

    /// <summary>Sample type names, for error messages.</summary>
    public static string Describe(Pprof.Profile profile) =>
        string.Join(", ", profile.SampleTypes.Select(static (ProfileValueType t) => t.ToString()));
}
