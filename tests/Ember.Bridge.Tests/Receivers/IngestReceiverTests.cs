using System.Net;
using System.Net.Http.Headers;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Ember.TestSupport;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>Pyroscope's POST /ingest with real Go runtime pprof bodies: raw, gzip and multipart, labels and times carried into OTLP.</summary>
public sealed class IngestReceiverTests : IAsyncLifetime
{
    private readonly RecordingSink _sink = new();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await TestBridge.StartAsync(_sink);

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    [Fact]
    public async Task Gzip_pprof_with_labels_becomes_OTLP_with_service_name_and_resource_attributes()
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(GoPeer.RuntimeProfiles.CpuProfile));

        using var response = await _bridge.Http.PostAsync(
            "/ingest?name=shop.api%7Benv%3Dprod%2Cregion%3Deu%7D&format=pprof&from=1700000000&until=1700000010&spyName=gospy&sampleRate=100&units=samples&aggregationType=sum",
            content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _sink.WaitForProfilesAsync(1);
        var resource = _sink.Delivered.Single().ResourceProfiles.Single();
        var attributes = resource.Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
        Assert.Equal("shop.api", attributes["service.name"]);
        Assert.Equal("prod", attributes["env"]);
        Assert.Equal("eu", attributes["region"]);
        Assert.Equal("gospy", attributes["pyroscope.spy_name"]);
        var functions = resource.ScopeProfiles.SelectMany(s => s.Profiles).SelectMany(p => p.Samples)
            .SelectMany(s => s.Stack.Locations).SelectMany(l => l.Lines).Select(l => l.Function?.Name);
        Assert.Contains("main.hotLoop", functions);
    }

    [Fact]
    public async Task Multipart_with_profile_and_sample_type_config_is_accepted_and_service_name_label_wins()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(GoPeer.RuntimeProfiles.HeapProfile)), "profile", "profile.pprof");
        form.Add(new StringContent("{\"alloc_space\":{\"units\":\"bytes\",\"aggregation\":\"sum\",\"cumulative\":true}}"), "sample_type_config", "sample_type_config.json");

        using var response = await _bridge.Http.PostAsync("/ingest?name=app%7Bservice_name%3Dreal-service%7D&spyName=gospy", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _sink.WaitForProfilesAsync(4); // Go heap profiles have four sample types
        Assert.Equal(["real-service"], TestProfiles.Services(_sink.Delivered.Single()));
    }

    [Fact]
    public async Task Time_from_the_query_is_used_when_the_pprof_has_none()
    {
        var pprof = Ember.Profiles.Conversion.OtlpToPprof.ConvertMerged(TestProfiles.Cpu());
        pprof.TimeNanos = 0;
        pprof.DurationNanos = 0;
        using var content = new ByteArrayContent(PayloadEncoder.Gzip(Ember.Profiles.Pprof.PprofCodec.Encode(pprof)));

        using var response = await _bridge.Http.PostAsync("/ingest?name=timed&format=pprof&from=1700000000000&until=1700000015000", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _sink.WaitForProfilesAsync(1);
        var profile = _sink.Delivered.Single().ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        Assert.Equal(1_700_000_000_000_000_000UL, profile.TimeUnixNano);
        Assert.Equal(15_000_000_000UL, profile.DurationNano);
    }

    [Theory]
    [InlineData("/ingest?format=pprof", "'name'")]
    [InlineData("/ingest?name=app&format=folded", "format 'folded'")]
    [InlineData("/ingest?name=app", "format 'groups'")]
    [InlineData("/ingest?name=app%7Bbroken&format=pprof", "must end with '}'")]
    [InlineData("/ingest?name=app&format=pprof&from=yesterday", "from='yesterday'")]
    public async Task Bad_queries_are_400_saying_what_is_wrong(string path, string expected)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(GoPeer.RuntimeProfiles.CpuProfile));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await _bridge.Http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_argument", json.RootElement.GetProperty("code").GetString());
        Assert.Contains(expected, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_without_a_profile_part_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("{}"), "sample_type_config" } };

        using var response = await _bridge.Http.PostAsync("/ingest?name=app", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("no 'profile' part", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
