using System.Diagnostics;
using System.Net;
using Ember.Bridge.Sinks;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Bridge.Tests.Delivery;

/// <summary>
/// The delivery promise: a sink goes down after its third batch, the bridge is restarted in the
/// middle of the outage, and afterwards every profile the bridge acknowledged has arrived exactly
/// once. Retry waits run on a fake clock the test advances, so the outage lasts as many failed
/// attempts as the test says, whatever the machine's load.
/// </summary>
public sealed class OutageAndRestartTests
{
    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_acknowledged_profile_arrives_exactly_once_across_an_outage_and_a_restart()
    {
        var sink = new RecordingSink();
        var down = true;
        sink.Failure = _ => sink.Delivered.Count >= 3 && Volatile.Read(ref down)
            ? new SinkDeliveryException("sink down", "unavailable", isRetryable: true, retryAfter: TimeSpan.FromSeconds(1))
            : null;
        var settings = TestBridge.DefaultSettings() with { RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(8) };
        var time = new FakeTimeProvider();
        var acknowledged = new List<string>();

        await using (var first = await TestBridge.StartAsync(settings, time, sink))
        {
            for (var i = 0; i < 10; i++)
            {
                await SendAsync(first, $"svc-{i}", acknowledged);
            }

            await sink.WaitForProfilesAsync(3);
            var failed = sink.Attempts;
            await AdvanceUntilAsync(time, () => sink.Attempts >= failed + 3, "three retries fail during the outage");
        }

        Assert.Equal(3, sink.Delivered.Count);
        await using (var second = await TestBridge.StartAsync(settings, time, sink))
        {
            for (var i = 10; i < 20; i++)
            {
                await SendAsync(second, $"svc-{i}", acknowledged);
            }

            var failed = sink.Attempts;
            await AdvanceUntilAsync(time, () => sink.Attempts >= failed + 3, "the restarted bridge retries the first undelivered batch");
            Assert.Equal(3, sink.Delivered.Count);
            Volatile.Write(ref down, false);

            await AdvanceUntilAsync(time, () => sink.Delivered.Sum(d => d.ProfileCount) >= 20, "the spool drains once the sink is back");

            // Delivery is in spool order: once a profile sent last arrives, any duplicate of an earlier one would be in front of it.
            await SendAsync(second, "svc-20", acknowledged);
            await sink.WaitForProfilesAsync(21);
            var metrics = await second.Http.GetStringAsync("/metrics");
            Assert.Contains("ember_bridge_sink_retries_total{otel_scope_name=\"Ember.Bridge\",reason=\"unavailable\",sink=\"recording\"}", metrics, StringComparison.Ordinal);
        }

        var delivered = sink.Delivered.SelectMany(TestProfiles.Services).ToList();
        Assert.Equal(acknowledged.Order(), delivered.Order());
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
    }

    /// <summary>
    /// Moves the fake clock past the longest retry wait, then gives the delivery loop a moment of
    /// real time to act on it, until <paramref name="condition"/> holds.
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < RealDeadline, $"not within {RealDeadline.TotalSeconds} s: {what}");
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Sends over gRPC or HTTP alternately; records the service only when the bridge acknowledged it.</summary>
    private static async Task SendAsync(TestBridge bridge, string service, List<string> acknowledged)
    {
        var body = OtlpCodec.Encode(TestProfiles.Cpu(service));
        if (acknowledged.Count % 2 == 0)
        {
            await bridge.Grpc.ExportAsync(ExportProfilesServiceRequest.Parser.ParseFrom(body));
        }
        else
        {
            using var response = await bridge.PostOtlpAsync(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        acknowledged.Add(service);
    }
}
