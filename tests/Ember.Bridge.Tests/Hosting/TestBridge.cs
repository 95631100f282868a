using System.Net;
using System.Net.Http.Headers;
using Ember.Bridge.Configuration;
using Ember.Bridge.Hosting;
using Ember.Bridge.Sinks;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.TestSupport;
using Grpc.Net.Client;

namespace Ember.Bridge.Tests.Hosting;

/// <summary>The real bridge in-process on free loopback ports, with a temporary spool and the given sinks.</summary>
internal sealed class TestBridge : IAsyncDisposable
{
    private readonly GrpcChannel _channel;

    private TestBridge(BridgeHost host, BridgeSettings settings)
    {
        Host = host;
        Settings = settings;
        Http = new HttpClient { BaseAddress = host.HttpEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        _channel = GrpcChannel.ForAddress(host.GrpcEndpoint, new GrpcChannelOptions { MaxRetryAttempts = 0 });
        Grpc = new ProfilesService.ProfilesServiceClient(_channel);
    }

    public BridgeHost Host { get; }

    public BridgeSettings Settings { get; }

    /// <summary>Client for the HTTP listener.</summary>
    public HttpClient Http { get; }

    /// <summary>The generated (oracle) OTLP gRPC client.</summary>
    public ProfilesService.ProfilesServiceClient Grpc { get; }

    /// <summary>Settings on free ports with a fresh spool directory; adjust with <c>with</c>.</summary>
    public static BridgeSettings DefaultSettings() => new()
    {
        GrpcListen = new ListenAddress("127.0.0.1", 0),
        HttpListen = new ListenAddress("127.0.0.1", 0),
        SpoolDirectory = Directory.CreateTempSubdirectory("ember-bridge-spool-").FullName,
        // Short real-clock retries for tests that only need a retry to happen; the outage test runs on a fake clock.
        RetryInitialDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromMilliseconds(400),
    };

    public static Task<TestBridge> StartAsync(BridgeSettings settings, params IProfileSink[] sinks) => StartAsync(settings, null, sinks);

    /// <summary>Starts a bridge whose retry waits run on <paramref name="time"/> (a fake clock the test advances).</summary>
    public static async Task<TestBridge> StartAsync(BridgeSettings settings, TimeProvider? time, params IProfileSink[] sinks)
    {
        var host = await BridgeHost.StartAsync(settings, sinks, _ => { }, time);
        return new TestBridge(host, settings);
    }

    public static Task<TestBridge> StartAsync(params IProfileSink[] sinks) => StartAsync(DefaultSettings(), sinks);

    /// <summary>POSTs OTLP protobuf to /v1development/profiles.</summary>
    public Task<HttpResponseMessage> PostOtlpAsync(byte[] body, string contentType = "application/x-protobuf", string? contentEncoding = null, string? token = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1development/profiles") { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Service name of the profile <see cref="DeliverSentinelAsync"/> sends.</summary>
    public const string Sentinel = "sentinel";

    /// <summary>
    /// Sends one valid profile and waits until <paramref name="sink"/> has it. A sink gets its spool in
    /// order, so whatever an earlier, answered request spooled has arrived by then: asserting that
    /// nothing else arrived needs no fixed wait.
    /// </summary>
    public async Task DeliverSentinelAsync(RecordingSink sink, string? token = null)
    {
        using var response = await PostOtlpAsync(OtlpCodec.Encode(TestProfiles.Cpu(Sentinel)), token: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.HoldsAsync(() => sink.Delivered.SelectMany(TestProfiles.Services).Contains(Sentinel), $"{sink.Name} has the sentinel profile");
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
