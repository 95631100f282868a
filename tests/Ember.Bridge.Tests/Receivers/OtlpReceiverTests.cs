using System.Net;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Google.Protobuf;
using Grpc.Core;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>OTLP round trips through the real bridge: the generated gRPC client and HTTP (protobuf, JSON, gzip) in, the sink's batches out.</summary>
public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private readonly RecordingSink _sink = new();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await TestBridge.StartAsync(_sink);

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    [Fact]
    public async Task Grpc_export_with_gzip_reaches_the_sink_with_every_sample()
    {
        var request = ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu("grpc-svc")));

        var response = await _bridge.Grpc.ExportAsync(request, new Metadata { { "grpc-internal-encoding-request", "gzip" } });

        Assert.Null(response.PartialSuccess);
        await _sink.WaitForProfilesAsync(1);
        var delivered = Assert.Single(_sink.Delivered);
        Assert.Equal(["grpc-svc"], TestProfiles.Services(delivered));
        Assert.Equal(8, TestProfiles.TotalValue(delivered));
        var names = delivered.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0].Stack.Locations.Select(l => l.Lines[0].Function!.Name);
        Assert.Equal(["main.hot", "main.work", "main.main"], names);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Http_protobuf_export_reaches_the_sink(bool gzip)
    {
        var body = OtlpCodec.Encode(TestProfiles.Cpu("http-svc", profiles: 2));

        using var response = await _bridge.PostOtlpAsync(gzip ? PayloadEncoder.Gzip(body) : body, contentEncoding: gzip ? "gzip" : null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var answer = ExportProfilesServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        await _sink.WaitForProfilesAsync(2);
        Assert.Equal(16, TestProfiles.TotalValue(Assert.Single(_sink.Delivered)));
    }

    [Fact]
    public async Task Http_json_written_by_Google_Protobuf_reaches_the_sink()
    {
        var oracle = ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu("json-svc")));
        // OTLP/JSON writes trace and span ids as hex where proto3 JSON has base64: leave the zero link's ids empty.
        oracle.Dictionary.LinkTable[0] = new Ember.Profiles.Tests.Oracle.Profiles.Link();
        var json = JsonFormatter.Default.Format(oracle);

        using var response = await _bridge.PostOtlpAsync(System.Text.Encoding.UTF8.GetBytes(json), "application/json");

        Assert.True(response.StatusCode == HttpStatusCode.OK, json + " => " + await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await _sink.WaitForProfilesAsync(1);
        Assert.Equal(["json-svc"], TestProfiles.Services(_sink.Delivered[0]));
        Assert.Equal(8, TestProfiles.TotalValue(_sink.Delivered[0]));
    }

    [Fact]
    public async Task Grpc_partial_success_counts_and_names_the_invalid_profile_and_keeps_the_valid_one()
    {
        var data = TestProfiles.Cpu("mixed");
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Add(TestProfiles.Invalid());
        var request = ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(data));

        var response = await _bridge.Grpc.ExportAsync(request);

        Assert.Equal(1, response.PartialSuccess.RejectedProfiles);
        Assert.Contains("resourceProfiles[0].scopeProfiles[0].profiles[1].samples[0]", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        await _bridge.DeliverSentinelAsync(_sink);
        Assert.Equal(["mixed", TestBridge.Sentinel], _sink.Delivered.SelectMany(TestProfiles.Services));
        Assert.Equal(2, _sink.Delivered.Sum(d => d.ProfileCount)); // the valid profile and the sentinel: the invalid one was dropped
    }

    [Fact]
    public async Task Http_partial_success_in_json_when_the_request_was_json()
    {
        var data = TestProfiles.Cpu("mixed-json");
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Insert(0, TestProfiles.Invalid());

        using var response = await _bridge.PostOtlpAsync(OtlpJsonCodec.Encode(data), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonParser.Default.Parse<ExportProfilesServiceResponse>(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedProfiles);
        Assert.Contains("profiles[0]", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        await _sink.WaitForProfilesAsync(1);
    }

    [Fact]
    public async Task A_request_whose_profiles_are_all_invalid_is_answered_but_nothing_is_forwarded()
    {
        var data = TestProfiles.Cpu("none-valid");
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Clear();
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles.Add(TestProfiles.Invalid());

        using var response = await _bridge.PostOtlpAsync(OtlpCodec.Encode(data));

        var answer = ExportProfilesServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedProfiles);
        await _bridge.DeliverSentinelAsync(_sink);
        Assert.Equal([TestBridge.Sentinel], _sink.Delivered.SelectMany(TestProfiles.Services));
    }

    [Fact]
    public async Task Health_and_readiness_answer_ok()
    {
        Assert.Equal("ok\n", await _bridge.Http.GetStringAsync("/healthz"));
        Assert.Equal("ready\n", await _bridge.Http.GetStringAsync("/readyz"));
    }
}
