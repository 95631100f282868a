using System.Globalization;
using System.Text;
using Ember.Bridge.Sinks.Shared;
using Ember.Profiles;
using P = Ember.Profiles.Pprof;

namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>
/// One legacy <c>POST /ingest</c> (shared/reference/servers.md §1.2): the query
/// <c>name=SERVICE{label=value,...}&amp;from&amp;until&amp;format=pprof&amp;sampleRate&amp;spyName</c>
/// and a gzipped pprof body. The part of <c>name</c> before <c>{</c> becomes <c>service_name</c>;
/// Pyroscope picks <c>__name__</c> from the pprof's sample types, so CPU sample counts are sent as
/// CPU time (<see cref="NormalizeCpu"/>) to land in <c>process_cpu:cpu:nanoseconds:cpu:nanoseconds</c>.
/// </summary>
public static class IngestRequest
{
    /// <summary>The <c>spyName</c> the bridge reports (label <c>pyroscope_spy</c>).</summary>
    public const string SpyName = "ember";

    /// <summary>Pyroscope's default when the profile does not say how often it sampled.</summary>
    private const long DefaultSampleRate = 100;

    /// <summary>The request URL for a series, relative to the server's base URL.</summary>
    public static string RelativeUrl(PprofSeries series, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(series);
        var profile = series.Profile;
        var from = profile.TimeNanos > 0 ? profile.TimeNanos / 1_000_000_000 : now.ToUnixTimeSeconds();
        var until = Math.Max(from + 1, profile.TimeNanos > 0 ? (profile.TimeNanos + profile.DurationNanos + 999_999_999) / 1_000_000_000 : from);
        var query = new StringBuilder("ingest?name=").Append(Uri.EscapeDataString(AppName(series)));
        query.Append("&from=").Append(from.ToString(CultureInfo.InvariantCulture));
        query.Append("&until=").Append(until.ToString(CultureInfo.InvariantCulture));
        query.Append("&format=pprof&sampleRate=").Append(SampleRate(profile).ToString(CultureInfo.InvariantCulture));
        query.Append("&spyName=").Append(SpyName);
        return query.ToString();
    }

    /// <summary><c>SERVICE{label=value,...}</c> with the syntax characters replaced in names and values.</summary>
    public static string AppName(PprofSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var labels = series.Labels.Where(l => l.Key != ResourceLabels.ServiceNameLabel).Select(l => l.Key + "=" + Plain(l.Value));
        return Plain(series.ServiceName) + "{" + string.Join(",", labels) + "}";
    }

    /// <summary>
    /// (samples, count) every (cpu, nanoseconds) period becomes (cpu, nanoseconds) with each value
    /// multiplied by the period, as Pyroscope itself does for OTLP CPU profiles. Other profiles are left alone.
    /// </summary>
    public static void NormalizeCpu(P.Profile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!ProfileNames.IsCpuSampleCount(profile))
        {
            return;
        }

        profile.SampleTypes[0] = new ProfileValueType("cpu", "nanoseconds");
        profile.DefaultSampleType = profile.DefaultSampleType.Length > 0 ? "cpu" : "";
        foreach (var sample in profile.Samples)
        {
            // Saturate rather than throw: only an absurd count (> 9e11 samples at 100 Hz) gets there.
            var value = sample.Values[0];
            sample.Values[0] = value > long.MaxValue / profile.Period ? long.MaxValue : value * profile.Period;
        }
    }

    /// <summary>Hz for CPU profiles with a period in nanoseconds, else Pyroscope's default.</summary>
    private static long SampleRate(P.Profile profile) =>
        profile.PeriodType is { Type: "cpu", Unit: "nanoseconds" } && profile.Period > 0 && profile.Period <= 1_000_000_000
            ? Math.Max(1, 1_000_000_000 / profile.Period)
            : DefaultSampleRate;

    /// <summary>The text with the label-set syntax characters (<c>{ } , =</c>) and whitespace replaced by '_'.</summary>
    private static string Plain(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c is '{' or '}' or ',' or '=' || char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c);
        }

        return result.ToString();
    }
}
