using System.Net;
using Ember.Bridge.Sinks;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;

namespace Ember.Bridge.Tests.Delivery;

/// <summary>
/// The delivery promise: a sink goes down after its third batch (for a few seconds here, not the
/// issue's 60 s, to keep CI fast; the mechanism does not depend on the length), the bridge is
/// restarted in the middle of the outage, and afterwards every profile the bridge acknowledged has
/// arrived exactly once.
/// </summary>
public sealed class OutageAndRestartTests
{
    [Fact]
    public async Task Every_acknowledged_profile_arrives_exactly_once_across_an_outage_and_a_restart()
    {
        var sink = new RecordingSink();
        var down = true;
        sink.Failure = _ => sink.Delivered.Count >= 3 && Volatile.Read(ref down)
            ? new SinkDeliveryException("sink down", "unavailable", isRetryable: true, retryAfter: TimeSpan.FromMilliseconds(100))
            : null;
        var settings = TestBridge.DefaultSettings();
        var acknowledged = new List<string>();

        await using (var first = await TestBridge.StartAsync(settings, sink))
        {
            for (var i = 0; i < 10; i++)
            {
                await SendAsync(first, $"svc-{i}", acknowledged);
            }

            await sink.WaitForProfilesAsync(3);
            await Task.Delay(500); // retries keep failing meanwhile
        }

        var deliveredBeforeRestart = sink.Delivered.Count;
        Assert.Equal(3, deliveredBeforeRestart);
        await using (var second = await TestBridge.StartAsync(settings, sink))
        {
            for (var i = 10; i < 20; i++)
            {
                await SendAsync(second, $"svc-{i}", acknowledged);
            }

            await Task.Delay(1000);
            Assert.Equal(3, sink.Delivered.Count);
            Volatile.Write(ref down, false);

            await sink.WaitForProfilesAsync(20, TimeSpan.FromSeconds(30));
            await Task.Delay(300); // a duplicate would arrive right behind
            var metrics = await second.Http.GetStringAsync("/metrics");
            Assert.Contains("ember_bridge_sink_retries_total{otel_scope_name=\"Ember.Bridge\",reason=\"unavailable\",sink=\"recording\"}", metrics, StringComparison.Ordinal);
        }

        var delivered = sink.Delivered.SelectMany(TestProfiles.Services).ToList();
        Assert.Equal(acknowledged.Order(), delivered.Order());
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.True(sink.Attempts > 20, "the outage made deliveries fail and retry");
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
