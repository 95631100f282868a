using System.Net;
using System.Net.Http.Headers;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.Profiles.Tests.Oracle.Collector;
using Grpc.Core;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>--auth-token-file: every receiver wants the bearer token; a missing or wrong one is 401 / UNAUTHENTICATED and nothing is stored.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private const string Token = "s3cret-token-value";

    private readonly RecordingSink _sink = new();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync()
    {
        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        _bridge = await TestBridge.StartAsync(TestBridge.DefaultSettings() with { AuthTokenFile = tokenFile }, _sink);
    }

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("s3cret-token-valu")]
    public async Task Http_without_the_right_token_is_401_and_nothing_is_spooled(string? token)
    {
        using var response = await _bridge.PostOtlpAsync(OtlpCodec.Encode(TestProfiles.Cpu()), token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Ingest_without_the_token_is_401()
    {
        using var content = new ByteArrayContent(PprofCodec.Encode(OtlpToPprof.ConvertMerged(TestProfiles.Cpu())));

        using var response = await _bridge.Http.PostAsync("/ingest?name=app&format=pprof", content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Grpc_with_a_wrong_token_is_UNAUTHENTICATED()
    {
        var request = ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu()));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _bridge.Grpc.ExportAsync(request, new Metadata { { "authorization", "Bearer nope" } }));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_right_token_is_accepted_on_every_receiver()
    {
        var request = ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu("grpc")));
        await _bridge.Grpc.ExportAsync(request, new Metadata { { "authorization", "Bearer " + Token } });
        using var http = await _bridge.PostOtlpAsync(OtlpCodec.Encode(TestProfiles.Cpu("http")), token: Token);
        using var ingest = new HttpRequestMessage(HttpMethod.Post, "/ingest?name=ingest&format=pprof")
        {
            Content = new ByteArrayContent(PprofCodec.Encode(OtlpToPprof.ConvertMerged(TestProfiles.Cpu()))),
        };
        ingest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var ingested = await _bridge.Http.SendAsync(ingest);

        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
        await _sink.WaitForProfilesAsync(3);
        Assert.Equal(["grpc", "http", "ingest"], _sink.Delivered.SelectMany(TestProfiles.Services).Order());
    }

    private async Task AssertNothingStoredAsync()
    {
        // Checked before the sentinel is spooled: the magic only, no record was written.
        var segment = Directory.GetFiles(Path.Combine(_bridge.Settings.SpoolDirectory, _sink.Name), "*.seg").Single();
        Assert.Equal(8, new FileInfo(segment).Length);
        await _bridge.DeliverSentinelAsync(_sink, Token);
        Assert.Equal([TestBridge.Sentinel], _sink.Delivered.SelectMany(TestProfiles.Services));
    }
}
