using System.Text;
using System.Text.RegularExpressions;

namespace Ember.Deploy.Tests.Metrics;

/// <summary>
/// The series names an OpenTelemetry instrument gets in Prometheus, by the OpenTelemetry → Prometheus
/// translation rules that the OpenTelemetry .NET Prometheus exporter (the bridge's /metrics), the
/// Collector's prometheus exporter and Prometheus's OTLP receiver (the agent's metrics) all apply
/// (specification "Prometheus and OpenMetrics Compatibility"; collector-contrib
/// pkg/translator/prometheus, "full normalization"):
/// characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c> (runs collapsed, ends trimmed); the UCUM
/// unit without its <c>{annotations}</c> is translated (<c>s</c> → <c>seconds</c>, <c>By</c> →
/// <c>bytes</c>, <c>a/b</c> → <c>a_per_b</c>, <c>1</c> on a gauge → <c>ratio</c>) and appended unless
/// the name already ends with it; monotonic sums get <c>_total</c>; histograms are exposed as
/// <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series.
/// </summary>
internal static partial class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds",
        ["us"] = "microseconds", ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["TiBy"] = "tibibytes", ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes", ["GBy"] = "gigabytes", ["TBy"] = "terabytes", ["m"] = "meters", ["V"] = "volts",
        ["A"] = "amperes", ["J"] = "joules", ["W"] = "watts", ["g"] = "grams", ["Cel"] = "celsius",
        ["Hz"] = "hertz", ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>The metric family name: sanitized name, unit suffix and, for counters, <c>_total</c>.</summary>
    public static string FamilyName(InstrumentDefinition instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = Sanitize(instrument.Name);
        var unit = UnitSuffix(instrument.Unit, instrument.Kind);
        if (unit.Length > 0 && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        if (instrument.Kind == InstrumentKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>The series names a PromQL query can select for this instrument.</summary>
    public static IEnumerable<string> SeriesNames(InstrumentDefinition instrument)
    {
        var family = FamilyName(instrument);
        return instrument.Kind == InstrumentKind.Histogram
            ? [family + "_bucket", family + "_sum", family + "_count"]
            : [family];
    }

    /// <summary>The unit as a name suffix; empty when the unit is absent or only annotations.</summary>
    public static string UnitSuffix(string? unit, InstrumentKind kind)
    {
        var plain = AnnotationPattern().Replace(unit ?? string.Empty, string.Empty).Trim();
        if (plain.Length == 0)
        {
            return string.Empty;
        }

        if (plain == "1")
        {
            return kind == InstrumentKind.Gauge || kind == InstrumentKind.UpDownCounter ? "ratio" : string.Empty;
        }

        var slash = plain.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Sanitize(Units.GetValueOrDefault(plain, plain));
        }

        var (main, per) = (plain[..slash], plain[(slash + 1)..]);
        var mainText = main.Length == 0 ? string.Empty : Units.GetValueOrDefault(main, main);
        var perText = PerUnits.GetValueOrDefault(per, per);
        return Sanitize(mainText.Length == 0 ? "per_" + perText : mainText + "_per_" + perText);
    }

    /// <summary>Replaces characters Prometheus names cannot hold with '_', collapsing runs and trimming the ends.</summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':';
            if (!valid || c == '_')
            {
                if (builder.Length > 0 && builder[^1] != '_')
                {
                    builder.Append('_');
                }

                continue;
            }

            builder.Append(c);
        }

        return builder.ToString().TrimEnd('_');
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex AnnotationPattern();
}
