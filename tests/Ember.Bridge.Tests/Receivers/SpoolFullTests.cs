using System.Net;
using Ember.Bridge.Sinks;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Grpc.Core;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>Backpressure: when a sink is down long enough to fill its spool, receivers refuse with 429 / RESOURCE_EXHAUSTED and a retry hint instead of accepting and dropping.</summary>
public sealed class SpoolFullTests : IAsyncLifetime
{
    private readonly RecordingSink _sink = new() { Failure = _ => new SinkDeliveryException("down", "unavailable", isRetryable: true) };
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await TestBridge.StartAsync(TestBridge.DefaultSettings() with { SpoolMaxBytes = 4096 }, _sink);

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    [Fact]
    public async Task A_full_spool_answers_429_with_Retry_After_and_RESOURCE_EXHAUSTED_with_pushback()
    {
        var body = OtlpCodec.Encode(TestProfiles.Cpu());
        var accepted = 0;
        HttpResponseMessage response;
        while ((response = await _bridge.PostOtlpAsync(body)).StatusCode == HttpStatusCode.OK)
        {
            accepted++;
            response.Dispose();
            Assert.True(accepted < 100, "the spool never filled");
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        Assert.InRange(accepted, 1, 4096 / body.Length);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _bridge.Grpc.ExportAsync(ExportProfilesServiceRequest.Parser.ParseFrom(body)));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("5000", error.Trailers.GetValue("grpc-retry-pushback-ms"));
        using var ready = await _bridge.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        // Once the sink is back the spool drains and requests are accepted again.
        _sink.Failure = null;
        await _sink.WaitForProfilesAsync(accepted);
        using var after = await _bridge.PostOtlpAsync(body);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
