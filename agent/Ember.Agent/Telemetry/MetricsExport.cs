using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Ember.Agent.Telemetry;

/// <summary>
/// Exports <see cref="AgentMetrics"/> over OTLP when the standard variables ask for it:
/// <c>OTEL_METRICS_EXPORTER=otlp</c> or an <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>. The SDK's OTLP
/// exporter then reads the usual <c>OTEL_EXPORTER_OTLP_*</c> settings itself.
/// </summary>
public static class MetricsExport
{
    /// <summary>The running meter provider, or null when metrics export is not configured.</summary>
    public static MeterProvider? StartIfConfigured(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var exporters = environment("OTEL_METRICS_EXPORTER") ?? string.Empty;
        var wanted = exporters.Split(',').Any(e => e.Trim() == "otlp") || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        return wanted
            ? Sdk.CreateMeterProviderBuilder().AddMeter(AgentMetrics.MeterName).AddOtlpExporter().Build()
            : null;
    }
}
