using Ember.Bridge.Receivers;
using Ember.Bridge.Receiving;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles;
using Ember.Profiles.Compression;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Ember.Bridge.Tests.Receiving;

/// <summary>Every outcome of the one receive pipeline, from request descriptions as the transports build them, without Kestrel.</summary>
public sealed class ReceivePipelineTests : IDisposable
{
    private const long MaxRequest = 64 * 1024;
    private const long MaxDecompressed = 1024 * 1024;
    private const string Token = "pipeline-token";

    private readonly PipelineFixture _fixture = new(new ReceiveLimits(MaxRequest, MaxDecompressed), token: Token);

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_valid_request_is_accepted_with_its_count_and_spooled()
    {
        var outcome = await RunAsync(Streamed(OtlpCodec.Encode(TestProfiles.Cpu("accepted", profiles: 2))));

        Assert.Equal(new Ember.Bridge.Intake.IntakeResult(2, 0, string.Empty), Assert.IsType<ReceiveOutcome.Accepted>(outcome).Result);
        Assert.Equal(["accepted"], TestProfiles.Services(_fixture.Spooled()!));
        Assert.Empty(_fixture.Rejected);
    }

    [Fact]
    public async Task An_invalid_profile_is_a_partial_success_named_by_its_path_in_the_request()
    {
        var data = TestProfiles.Cpu("partial");
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Add(TestProfiles.Invalid());

        var outcome = await RunAsync(Streamed(OtlpCodec.Encode(data)));

        var result = Assert.IsType<ReceiveOutcome.Accepted>(outcome).Result;
        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        Assert.Equal("1 profile(s) rejected: resourceProfiles[0].scopeProfiles[0].profiles[1].samples[0]: the sample has neither values nor timestamps", result.Message);
        Assert.Equal(1, _fixture.Spooled()!.ProfileCount);
        Assert.Equal(1, _fixture.Rejected["invalid"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    public async Task Without_the_token_nothing_is_chosen_read_or_stored(string? authorization)
    {
        using var body = new MemoryStream(OtlpCodec.Encode(TestProfiles.Cpu()));
        var chosen = false;

        var outcome = await _fixture.Pipeline.RunAsync(
            new ReceiveRequest("test", authorization, RequestBody.FromStream(body, null), null, () =>
            {
                chosen = true;
                return OtlpPayloadDecoder.Protobuf;
            }),
            CancellationToken.None);

        Assert.IsType<ReceiveOutcome.Unauthenticated>(outcome);
        Assert.False(chosen);
        Assert.Equal(0, body.Position);
        Assert.Null(_fixture.Spooled());
        Assert.Equal(1, _fixture.Rejected["unauthenticated"]);
    }

    [Fact]
    public async Task A_content_type_without_a_decoder_is_unsupported_before_the_body_is_read()
    {
        using var body = new MemoryStream(new byte[MaxRequest * 2]);

        var outcome = await _fixture.Pipeline.RunAsync(
            new ReceiveRequest("test", "Bearer " + Token, RequestBody.FromStream(body, null), null, () => throw new UnsupportedMediaTypeException("Content-Type 'text/plain' is not wanted")),
            CancellationToken.None);

        Assert.Equal("Content-Type 'text/plain' is not wanted", Assert.IsType<ReceiveOutcome.UnsupportedMediaType>(outcome).Message);
        Assert.Equal(0, body.Position);
        Assert.Equal(1, _fixture.Rejected["unsupported_media_type"]);
    }

    public static TheoryData<string, long?, string?, string> OversizedBodies => new()
    {
        { "declared", MaxRequest + 1, null, "request body is 65537 bytes, over the limit of 65536 bytes" },
        { "undeclared", null, null, "request body exceeds the limit of 65536 bytes" },
        { "zip bomb", null, "gzip", "decompressed body exceeds the limit of 1048576 bytes" },
    };

    [Theory]
    [MemberData(nameof(OversizedBodies))]
    public async Task A_body_over_a_limit_is_too_large_naming_the_limit(string @case, long? contentLength, string? contentEncoding, string expected)
    {
        var bytes = @case == "zip bomb" ? PayloadEncoder.Gzip(new byte[4 * MaxDecompressed], System.IO.Compression.CompressionLevel.SmallestSize) : new byte[MaxRequest + 1];
        using var body = new MemoryStream(bytes);

        var outcome = await RunAsync(RequestBody.FromStream(body, contentLength), contentEncoding);

        Assert.Equal(expected, Assert.IsType<ReceiveOutcome.PayloadTooLarge>(outcome).Message);
        Assert.True(body.Position <= MaxRequest + 1, "read past the limit");
        Assert.Null(_fixture.Spooled());
        Assert.Equal(1, _fixture.Rejected["too_large"]);
    }

    [Fact]
    public async Task A_body_the_transport_read_itself_is_not_held_to_the_request_limit()
    {
        var bytes = OtlpCodec.Encode(TestProfiles.Cpu("big", profiles: 3000));
        Assert.True(bytes.Length > MaxRequest);

        var outcome = await RunAsync(RequestBody.FromBytes(bytes));

        Assert.Equal(3000, Assert.IsType<ReceiveOutcome.Accepted>(outcome).Result.Accepted);
    }

    [Fact]
    public async Task Gzip_content_encoding_is_undone_before_decoding()
    {
        var outcome = await RunAsync(Streamed(PayloadEncoder.Gzip(OtlpCodec.Encode(TestProfiles.Cpu("gzipped")))), " GZIP ");

        Assert.Equal(1, Assert.IsType<ReceiveOutcome.Accepted>(outcome).Result.Accepted);
        Assert.Equal(["gzipped"], TestProfiles.Services(_fixture.Spooled()!));
    }

    public static TheoryData<string, byte[], string?, string> MalformedBodies => new()
    {
        { "garbage", "this is not a profile at all"u8.ToArray(), null, "wire type" },
        { "unknown encoding", OtlpCodec.Encode(TestProfiles.Cpu()), "br", "Content-Encoding 'br' is not supported; use gzip or none" },
        { "not gzip", OtlpCodec.Encode(TestProfiles.Cpu()), "gzip", "body is not gzip data" },
        { "truncated gzip", PayloadEncoder.Gzip(OtlpCodec.Encode(TestProfiles.Cpu()))[..^6], "gzip", "gzip" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_body_that_cannot_be_decoded_is_malformed_saying_why(string @case, byte[] bytes, string? contentEncoding, string expected)
    {
        var outcome = await RunAsync(Streamed(bytes), contentEncoding);

        Assert.True(outcome is ReceiveOutcome.Malformed, $"{@case}: {outcome}");
        Assert.Contains(expected, ((ReceiveOutcome.Malformed)outcome).Reason, StringComparison.Ordinal);
        Assert.Null(_fixture.Spooled());
        Assert.Equal(1, _fixture.Rejected["malformed"]);
    }

    [Fact]
    public async Task A_full_spool_asks_to_retry_later_and_stores_nothing()
    {
        using var fixture = new PipelineFixture(new ReceiveLimits(MaxRequest, MaxDecompressed), spoolMaxBytes: 64);

        var outcome = await fixture.Pipeline.RunAsync(Request(Streamed(OtlpCodec.Encode(TestProfiles.Cpu())), null), CancellationToken.None);

        var full = Assert.IsType<ReceiveOutcome.SpoolFull>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(5), full.RetryAfter);
        Assert.Contains("is full", full.Message, StringComparison.Ordinal);
        Assert.Null(fixture.Spooled());
        Assert.Equal(1, fixture.Rejected["spool_full"]);
    }

    [Fact]
    public async Task An_ingest_query_is_refused_before_the_body_is_read()
    {
        using var body = new MemoryStream(new byte[MaxRequest * 2]);
        var query = new QueryCollection(new Dictionary<string, StringValues> { ["name"] = "app", ["format"] = "pprof", ["from"] = "yesterday" });

        var outcome = await _fixture.Pipeline.RunAsync(
            new ReceiveRequest(ReceiverNames.Ingest, "Bearer " + Token, RequestBody.FromStream(body, null), null, () => IngestDecoder.FromQuery(query, "application/octet-stream")),
            CancellationToken.None);

        Assert.Equal("query parameter from='yesterday' is not a unix time", Assert.IsType<ReceiveOutcome.Malformed>(outcome).Reason);
        Assert.Equal(0, body.Position);
    }

    [Fact]
    public async Task An_ingest_push_of_gzip_pprof_is_accepted_as_OTLP_with_its_service_name()
    {
        var pprof = PayloadEncoder.Gzip(PprofCodec.Encode(OtlpToPprof.ConvertMerged(TestProfiles.Cpu())));
        var query = new QueryCollection(new Dictionary<string, StringValues> { ["name"] = "shop{env=prod}", ["format"] = "pprof" });

        var outcome = await _fixture.Pipeline.RunAsync(
            new ReceiveRequest(ReceiverNames.Ingest, "Bearer " + Token, Streamed(pprof), null, () => IngestDecoder.FromQuery(query, null)),
            CancellationToken.None);

        Assert.Equal(1, Assert.IsType<ReceiveOutcome.Accepted>(outcome).Result.Accepted);
        var attributes = _fixture.Spooled()!.ResourceProfiles.Single().Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
        Assert.Equal("shop", attributes["service.name"]);
        Assert.Equal("prod", attributes["env"]);
    }

    private static RequestBody Streamed(byte[] bytes) => RequestBody.FromStream(new MemoryStream(bytes), bytes.Length);

    private static ReceiveRequest Request(RequestBody body, string? contentEncoding) =>
        new("test", "Bearer " + Token, body, contentEncoding, () => OtlpPayloadDecoder.Protobuf);

    private Task<ReceiveOutcome> RunAsync(RequestBody body, string? contentEncoding = null) =>
        _fixture.Pipeline.RunAsync(Request(body, contentEncoding), CancellationToken.None);
}
