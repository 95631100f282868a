namespace Ember.Deploy.Tests.Metrics;

/// <summary>
/// The translation against the examples of the OpenTelemetry → Prometheus compatibility rules
/// (collector-contrib pkg/translator/prometheus README and the hostmetrics names everybody queries).
/// </summary>
public class PrometheusNamingTests
{
    [Theory]
    [InlineData("system.filesystem.usage", InstrumentKind.Gauge, "By", "system_filesystem_usage_bytes")]
    [InlineData("system.network.dropped", InstrumentKind.Gauge, "{packets}", "system_network_dropped")]
    [InlineData("system.network.dropped", InstrumentKind.Gauge, "packets", "system_network_dropped_packets")]
    [InlineData("system.memory.utilization", InstrumentKind.Gauge, "1", "system_memory_utilization_ratio")]
    [InlineData("(lambda).function.executions(#)", InstrumentKind.Gauge, null, "lambda_function_executions")]
    [InlineData("system.cpu.time", InstrumentKind.Counter, "s", "system_cpu_time_seconds_total")]
    [InlineData("system.network.io", InstrumentKind.Counter, "By", "system_network_io_bytes_total")]
    [InlineData("process.runtime.dotnet.gc.collections.count", InstrumentKind.Counter, "{collection}", "process_runtime_dotnet_gc_collections_count_total")]
    [InlineData("vehicle.speed", InstrumentKind.Gauge, "m/s", "vehicle_speed_meters_per_second")]
    [InlineData("queue.length", InstrumentKind.UpDownCounter, "{item}", "queue_length")]
    [InlineData("request.size", InstrumentKind.Gauge, "By{compressed}", "request_size_bytes")]
    [InlineData("job.duration_seconds", InstrumentKind.Gauge, "s", "job_duration_seconds")]
    [InlineData("requests_total", InstrumentKind.Counter, "{request}", "requests_total")]
    public void Family_names_follow_the_translation_rules(string name, InstrumentKind kind, string? unit, string expected) =>
        Assert.Equal(expected, PrometheusNaming.FamilyName(new InstrumentDefinition(name, kind, unit, "test")));

    [Fact]
    public void A_histogram_is_queried_through_its_bucket_sum_and_count_series() =>
        Assert.Equal(
            ["http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_sum", "http_server_request_duration_seconds_count"],
            PrometheusNaming.SeriesNames(new InstrumentDefinition("http.server.request.duration", InstrumentKind.Histogram, "s", "test")));

    [Fact]
    public void Counters_and_gauges_are_queried_by_their_family_name() =>
        Assert.Equal(["ember_agent_samples_total"], PrometheusNaming.SeriesNames(new InstrumentDefinition("ember.agent.samples", InstrumentKind.Counter, "{sample}", "test")));
}
