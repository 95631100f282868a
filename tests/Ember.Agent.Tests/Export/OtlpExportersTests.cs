using Ember.Agent.Export;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Export;

/// <summary>
/// Both transports with <see cref="ExportSender"/>'s retries against <see cref="FakeOtlpCollector"/>,
/// which speaks the real wire protocols. The retry policy's own back-off is 10 ms here, so waits of a
/// second can only come from the server's Retry-After / grpc-retry-pushback-ms.
/// </summary>
public sealed class OtlpExportersTests : IAsyncLifetime
{
    private static readonly ExportRetryPolicy FastRetries = new(5, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100));
    private FakeOtlpCollector _collector = null!;

    public async Task InitializeAsync() => _collector = await FakeOtlpCollector.StartAsync();

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    private OtlpExportOptions Options(OtlpProtocol protocol, bool gzip = true) => new(
        protocol == OtlpProtocol.Grpc ? _collector.GrpcEndpoint : _collector.HttpEndpoint,
        protocol,
        [new("x-scope-orgid", "team a")],
        gzip,
        TimeSpan.FromSeconds(10));

    private static IProfileExporter Exporter(OtlpExportOptions options) =>
        options.Protocol == OtlpProtocol.Grpc ? new GrpcProfileExporter(options) : new HttpProfileExporter(options);

    private static ExportBatch HotLoopWindow()
    {
        var location = new Location { Address = 0x401000 };
        location.Lines.Add(new Line { Function = new Function { Name = "main.hotLoop", FileName = "main.go" } });
        var sample = new Sample();
        sample.Stack.Locations.Add(location);
        sample.Values.Add(42);
        var profile = new Profile { SampleType = new ProfileValueType("samples", "count"), PeriodType = new ProfileValueType("cpu", "nanoseconds"), Period = 52_631_578 };
        profile.Samples.Add(sample);
        var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember-agent" } };
        scope.Profiles.Add(profile);
        var resource = new ResourceProfiles { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue("process.pid", AnyValue.Int(1234)));
        resource.ScopeProfiles.Add(scope);
        var data = new ProfilesData();
        data.ResourceProfiles.Add(resource);
        return new ExportBatch(data, 42);
    }

    private static async Task<ExportStatistics> SendAsync(OtlpExportOptions options)
    {
        var statistics = new ExportStatistics();
        using var exporter = Exporter(options);
        await new ExportSender(exporter, FastRetries, statistics, NullLogger.Instance).ExportAsync(HotLoopWindow(), CancellationToken.None);
        return statistics;
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, true)]
    [InlineData(OtlpProtocol.Grpc, false)]
    [InlineData(OtlpProtocol.HttpProtobuf, true)]
    [InlineData(OtlpProtocol.HttpProtobuf, false)]
    public async Task A_window_arrives_decodable_with_its_headers_and_compression(OtlpProtocol protocol, bool gzip)
    {
        var statistics = await SendAsync(Options(protocol, gzip));

        var request = Assert.Single(_collector.Requests);
        Assert.Equal(gzip, request.Compressed);
        Assert.Equal("team a", request.Headers["x-scope-orgid"]);
        var resource = Assert.Single(request.Data!.ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == 1234);
        var sample = Assert.Single(resource.ScopeProfiles[0].Profiles[0].Samples);
        Assert.Equal("main.hotLoop", sample.Stack.Locations[0].Lines[0].Function!.Name);
        Assert.Equal((42, 1, 0, 0), (statistics.SamplesExported, statistics.Requests, statistics.Retries, statistics.Failures));
    }

    [Fact]
    public async Task Grpc_requests_go_to_the_profiles_service_path_over_http2()
    {
        await SendAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal("application/grpc", Assert.Single(_collector.Requests).Headers["content-type"]);
    }

    [Fact]
    public async Task Http_requests_are_protobuf_posts()
    {
        await SendAsync(Options(OtlpProtocol.HttpProtobuf));

        Assert.Equal("application/x-protobuf", Assert.Single(_collector.Requests).Headers["content-type"]);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public async Task Unavailable_is_retried_after_the_server_hint_and_the_window_arrives_exactly_once(OtlpProtocol protocol)
    {
        _collector.FailNext(2, FakeFailure.Unavailable);

        var statistics = await SendAsync(Options(protocol));

        Assert.Single(_collector.Exports);
        var requests = _collector.Requests;
        Assert.Equal(3, requests.Count);
        // The hint is 1 s; timers have millisecond granularity, so a wait may measure a hair under it.
        var hint = TimeSpan.FromMilliseconds(990);
        Assert.True(requests[1].ElapsedAtArrival - requests[0].ElapsedAtArrival >= hint, $"the first retry came {requests[1].ElapsedAtArrival - requests[0].ElapsedAtArrival} after the failure, before the server's hint");
        Assert.True(requests[2].ElapsedAtArrival - requests[1].ElapsedAtArrival >= hint, $"the second retry came {requests[2].ElapsedAtArrival - requests[1].ElapsedAtArrival} after the failure, before the server's hint");
        Assert.Equal((3, 2, 0, 42), (statistics.Requests, statistics.Retries, statistics.Failures, statistics.SamplesExported));
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, "INVALID_ARGUMENT: fake says no")]
    [InlineData(OtlpProtocol.HttpProtobuf, "HTTP 400")]
    public async Task A_bad_request_is_not_retried_and_counts_as_a_failure_with_its_reason(OtlpProtocol protocol, string reason)
    {
        _collector.FailNext(1, FakeFailure.InvalidArgument);

        var statistics = await SendAsync(Options(protocol));

        Assert.Single(_collector.Requests);
        Assert.Empty(_collector.Exports);
        Assert.Equal((1, 0, 0), (statistics.Requests, statistics.Retries, statistics.SamplesExported));
        Assert.Equal(1, statistics.FailuresByReason[reason]);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public async Task Partially_rejected_profiles_are_counted(OtlpProtocol protocol)
    {
        _collector.RejectProfiles(1, "profile too old");

        var statistics = await SendAsync(Options(protocol));

        Assert.Equal((1, 0, 42), (statistics.RejectedProfiles, statistics.Failures, statistics.SamplesExported));
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_fails_the_window_after_the_last_attempt()
    {
        var options = new OtlpExportOptions(new Uri("http://127.0.0.1:9/v1development/profiles"), OtlpProtocol.HttpProtobuf, [], true, TimeSpan.FromSeconds(5));

        var statistics = await SendAsync(options);

        Assert.Equal((5, 4, 1, 0), (statistics.Requests, statistics.Retries, statistics.Failures, statistics.SamplesExported));
    }
}
