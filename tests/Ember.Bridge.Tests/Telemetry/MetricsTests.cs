using System.Diagnostics;
using Ember.Bridge.Sinks;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Tests.Telemetry;

/// <summary>
/// The OpenTelemetry SDK's meter listener is process-wide: while other test classes start and stop
/// bridges in parallel, their <c>Ember.Bridge</c> instruments reach this bridge's meter provider too,
/// and an instrument that registered first and was disposed with its host can shadow this one (a CI
/// run scraped only <c>target_info</c>). A production process has one host; this test runs alone.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>/metrics in Prometheus text format carries the instrument names the dashboards are built on.</summary>
[Collection(nameof(MetricsTests))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_show_received_rejected_forwarded_failures_retries_spool_size_and_duration()
    {
        var sink = new RecordingSink("metered");
        var failures = 0;
        sink.Failure = _ => Interlocked.Increment(ref failures) <= 2 ? new SinkDeliveryException("blip", "http_503", isRetryable: true) : null;
        await using var bridge = await TestBridge.StartAsync(sink);
        var data = TestProfiles.Cpu("metered", profiles: 3);
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Add(TestProfiles.Invalid());
        using (await bridge.PostOtlpAsync(OtlpCodec.Encode(data)))
        {
        }

        await sink.WaitForProfilesAsync(3);
        var expected = new[]
        {
            "ember_bridge_profiles_received_total{otel_scope_name=\"Ember.Bridge\",receiver=\"otlp_http\"} 4",
            "ember_bridge_profiles_rejected_total{otel_scope_name=\"Ember.Bridge\",reason=\"invalid\",receiver=\"otlp_http\"} 1",
            "ember_bridge_profiles_forwarded_total{otel_scope_name=\"Ember.Bridge\",sink=\"metered\"} 3",
            "ember_bridge_sink_failures_total{otel_scope_name=\"Ember.Bridge\",reason=\"http_503\",sink=\"metered\"} 2",
            "ember_bridge_sink_retries_total{otel_scope_name=\"Ember.Bridge\",reason=\"http_503\",sink=\"metered\"} 2",
            "ember_bridge_spool_size_bytes{otel_scope_name=\"Ember.Bridge\",sink=\"metered\"} 0",
            "ember_bridge_sink_duration_seconds_count{otel_scope_name=\"Ember.Bridge\",sink=\"metered\"} 3",
        };

        // The exporter caches a scrape briefly; poll until the latest counts show.
        var clock = Stopwatch.StartNew();
        string text;
        do
        {
            await Task.Delay(100);
            text = await bridge.Http.GetStringAsync("/metrics");
        }
        while (expected.Any(line => !text.Contains(line, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(10));

        foreach (var line in expected)
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }

        Assert.Contains("# TYPE ember_bridge_sink_duration_seconds histogram", text, StringComparison.Ordinal);
    }
}
