using System.Net;
using System.Net.Http.Headers;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.Profiles.Tests.Oracle.Collector;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>
/// Hostile and broken bodies on every receiver get a clear 4xx (or gRPC status) naming the problem,
/// nothing reaches the sink, and the bridge keeps serving a well-behaved client meanwhile.
/// Limits are small here (64 KiB on the wire, 1 MiB decompressed) so the test stays fast.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const long MaxRequest = 64 * 1024;
    private const long MaxDecompressed = 1024 * 1024;

    private readonly RecordingSink _sink = new();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() =>
        _bridge = await TestBridge.StartAsync(TestBridge.DefaultSettings() with { MaxRequestBytes = MaxRequest, MaxDecompressedBytes = MaxDecompressed }, _sink);

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    public static TheoryData<string> Receivers => ["otlp-http", "ingest"];

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Garbage_is_400_naming_the_problem(string receiver)
    {
        using var response = await PostAsync(receiver, "this is not a profile at all"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("wire type", await MessageAsync(receiver, response), StringComparison.Ordinal);
        await AssertNothingForwardedAsync();
    }

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Truncated_body_is_400(string receiver)
    {
        var body = Valid(receiver);

        using var response = await PostAsync(receiver, body[..(body.Length / 2)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await MessageAsync(receiver, response));
        await AssertNothingForwardedAsync();
    }

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Truncated_gzip_is_400(string receiver)
    {
        var body = PayloadEncoder.Gzip(Valid(receiver));

        using var response = await PostAsync(receiver, body[..^6], gzip: receiver == "otlp-http");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gzip", await MessageAsync(receiver, response), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Oversized_body_is_413(string receiver)
    {
        using var response = await PostAsync(receiver, new byte[MaxRequest + 1]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit of 65536 bytes", await MessageAsync(receiver, response), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Receivers))]
    public async Task Zip_bomb_is_413_while_another_client_is_served(string receiver)
    {
        // Deflate tops out near 1000:1, so 32 MiB of zeros (32x the decompressed limit) fit in about 32 KiB on the wire.
        var bomb = PayloadEncoder.Gzip(new byte[32 * 1024 * 1024], System.IO.Compression.CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < MaxRequest);

        var bombs = Enumerable.Range(0, 4).Select(_ => PostAsync(receiver, bomb, gzip: receiver == "otlp-http")).ToList();
        using var honest = await _bridge.PostOtlpAsync(OtlpCodec.Encode(TestProfiles.Cpu("honest")));

        Assert.Equal(HttpStatusCode.OK, honest.StatusCode);
        foreach (var response in await Task.WhenAll(bombs))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                Assert.Contains("exceeds the limit of 1048576 bytes", await MessageAsync(receiver, response), StringComparison.Ordinal);
            }
        }

        await _sink.WaitForProfilesAsync(1);
        Assert.Equal(["honest"], _sink.Delivered.SelectMany(TestProfiles.Services));
    }

    [Fact]
    public async Task Grpc_garbage_is_INVALID_ARGUMENT_naming_the_problem()
    {
        var garbage = CallRaw("this is not a profile at all"u8.ToArray());

        var error = await Assert.ThrowsAsync<RpcException>(() => garbage);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("wire type", error.Status.Detail, StringComparison.Ordinal);
        await AssertNothingForwardedAsync();
    }

    [Fact]
    public async Task Grpc_truncated_message_is_INVALID_ARGUMENT()
    {
        var body = OtlpCodec.Encode(TestProfiles.Cpu());

        var error = await Assert.ThrowsAsync<RpcException>(() => CallRaw(body[..(body.Length / 2)]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Grpc_zip_bomb_is_RESOURCE_EXHAUSTED_while_another_client_is_served()
    {
        var bomb = CallRaw(new byte[50 * 1024 * 1024], gzip: true);
        var honest = await _bridge.Grpc.ExportAsync(ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu("honest-grpc"))));

        var error = await Assert.ThrowsAsync<RpcException>(() => bomb);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Null(honest.PartialSuccess);
        await _sink.WaitForProfilesAsync(1);
    }

    [Fact]
    public async Task Grpc_oversized_message_is_RESOURCE_EXHAUSTED()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallRaw(new byte[MaxDecompressed + 1]));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Unsupported_content_type_is_415()
    {
        using var response = await _bridge.PostOtlpAsync(OtlpCodec.Encode(TestProfiles.Cpu()), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    /// <summary>Sends bytes as the Export message, bypassing the oracle types, optionally gzip-compressed by the gRPC client.</summary>
    private async Task<byte[]> CallRaw(byte[] message, bool gzip = false)
    {
        using var channel = GrpcChannel.ForAddress(_bridge.Host.GrpcEndpoint, new GrpcChannelOptions { MaxRetryAttempts = 0, MaxSendMessageSize = null });
        var method = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.profiles.v1development.ProfilesService", "Export",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var headers = gzip ? new Metadata { { "grpc-internal-encoding-request", "gzip" } } : [];
        return await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(headers), message);
    }

    private static byte[] Valid(string receiver) => receiver == "ingest"
        ? PprofCodec.Encode(Ember.Profiles.Conversion.OtlpToPprof.ConvertMerged(TestProfiles.Cpu()))
        : OtlpCodec.Encode(TestProfiles.Cpu());

    private Task<HttpResponseMessage> PostAsync(string receiver, byte[] body, bool gzip = false)
    {
        if (receiver == "otlp-http")
        {
            return _bridge.PostOtlpAsync(body, contentEncoding: gzip ? "gzip" : null);
        }

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return _bridge.Http.PostAsync("/ingest?name=bad.app&format=pprof", content);
    }

    /// <summary>The error message: google.rpc.Status for OTLP/HTTP, Pyroscope's JSON for /ingest.</summary>
    private static async Task<string> MessageAsync(string receiver, HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (receiver == "ingest")
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.GetProperty("message").GetString()!;
        }

        // google.rpc.Status{code=1, message=2}: read with the generic protobuf reader, not our encoder.
        var input = new CodedInputStream(body);
        var message = string.Empty;
        while (input.ReadTag() is var tag and not 0)
        {
            if (tag == 18)
            {
                message = input.ReadString();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return message;
    }

    private async Task AssertNothingForwardedAsync()
    {
        await _bridge.DeliverSentinelAsync(_sink);
        Assert.Equal([TestBridge.Sentinel], _sink.Delivered.SelectMany(TestProfiles.Services));
    }
}
