using System.Diagnostics.Metrics;
using Ember.Bridge.Sinks.Otlp;
using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.TestSupport.Otlp;
using Grpc.Core;
using static Ember.Bridge.Sinks.Tests.TestProfiles;

namespace Ember.Bridge.Sinks.Tests.Otlp;

public sealed class OtlpSinkTests : IAsyncLifetime
{
    private FakeOtlpReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await FakeOtlpReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Grpc_export_is_gzipped_and_carries_the_configured_headers_and_the_profiles()
    {
        var tokenFile = Specs.TempFile("otlp-token");
        var logs = new CapturingLoggerFactory();
        await using var sink = OtlpSink.Create(
            Specs.Of("otlp", _receiver.GrpcEndpoint.ToString(), ("headers", "x-api-key=abc%20def, X-Team=core"), ("bearer-token-file", tokenFile)),
            logs);

        await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")]), CancellationToken.None);

        var export = Assert.Single(_receiver.Requests);
        Assert.Equal("grpc", export.Protocol);
        Assert.Equal("/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export", export.Path);
        Assert.Equal("gzip", export.Headers["grpc-encoding"]);
        Assert.Equal("abc def", export.Headers["x-api-key"]);
        Assert.Equal("core", export.Headers["x-team"]);
        Assert.Equal("Bearer otlp-token", export.Headers["authorization"]);
        AssertCheckoutProfile(export.Message);
        // Header values and tokens may be API keys: the startup log names counts and schemes only.
        Assert.Contains(logs.Messages, m => m.Contains("2 extra header(s), auth Bearer", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("abc", StringComparison.Ordinal) || m.Contains("otlp-token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "/v1development/profiles", "gzip")]
    [InlineData("/v1development/profiles", "/v1development/profiles", "none")]
    public async Task Http_protobuf_posts_to_the_profiles_path(string targetPath, string expectedPath, string compression)
    {
        await using var sink = OtlpSink.Create(
            Specs.Of("otlp", new Uri(_receiver.HttpBaseAddress, targetPath).ToString(), ("protocol", "http/protobuf"), ("compression", compression)),
            new CapturingLoggerFactory());

        await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")]), CancellationToken.None);

        var export = Assert.Single(_receiver.Requests);
        Assert.Equal("http", export.Protocol);
        Assert.Equal(expectedPath, export.Path);
        Assert.Equal(compression == "gzip" ? "gzip" : null, export.Headers.GetValueOrDefault("content-encoding"));
        AssertCheckoutProfile(export.Message);
    }

    [Theory]
    [InlineData("grpc", FakeOtlpAnswer.Protobuf)]
    [InlineData("http/protobuf", FakeOtlpAnswer.Protobuf)]
    [InlineData("http/protobuf", FakeOtlpAnswer.Json)]
    public async Task Partial_success_is_logged_and_counted_and_the_batch_is_not_retried(string protocol, FakeOtlpAnswer answer)
    {
        var logs = new CapturingLoggerFactory();
        var name = $"otlp-partial-{protocol}-{answer}";
        await using var sink = OtlpSink.Create(Specs.Of("otlp", Endpoint(protocol), ("protocol", protocol)) with { Name = name }, logs);
        _receiver.Answer = answer;
        _receiver.RejectProfiles(2, "too old");
        var counted = new List<(long Value, string? Sink, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SinkMetrics.MeterName && instrument.Name == SinkMetrics.PartiallyRejectedProfiles)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var sinkTag = tags.ToArray().FirstOrDefault(t => t.Key == "sink").Value as string;
            if (sinkTag == name)
            {
                lock (counted)
                {
                    counted.Add((value, sinkTag, tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value as string));
                }
            }
        });
        listener.Start();

        await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")]), CancellationToken.None);

        Assert.Single(_receiver.Requests);
        Assert.Equal([(2L, name, "partial_success")], counted);
        Assert.Contains(logs.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("rejected 2 profile(s)", StringComparison.Ordinal) && m.Contains("too old", StringComparison.Ordinal));
    }

    // The OTLP specification's classification (Ember.Otlp): RESOURCE_EXHAUSTED is retryable only with a
    // server hint, CANCELLED is retryable.
    [Theory]
    [InlineData(StatusCode.Unavailable, null, "unavailable", true)]
    [InlineData(StatusCode.Cancelled, null, "cancelled", true)]
    [InlineData(StatusCode.ResourceExhausted, "500", "resource_exhausted", true)]
    [InlineData(StatusCode.ResourceExhausted, null, "resource_exhausted", false)]
    [InlineData(StatusCode.DeadlineExceeded, null, "deadline_exceeded", true)]
    [InlineData(StatusCode.InvalidArgument, null, "invalid_argument", false)]
    [InlineData(StatusCode.Unauthenticated, null, "unauthenticated", false)]
    public async Task Grpc_failures_are_classified(StatusCode code, string? pushbackMs, string reason, bool retryable)
    {
        await using var sink = OtlpSink.Create(Specs.Of("otlp", _receiver.GrpcEndpoint.ToString()), new CapturingLoggerFactory());
        _receiver.FailNext(new FakeOtlpFailure(code, 500) { PushbackMilliseconds = pushbackMs });

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(retryable, error.IsRetryable);
    }

    [Theory]
    [InlineData(503, "3", true)]
    [InlineData(502, null, true)]
    [InlineData(504, null, true)]
    [InlineData(400, null, false)]
    [InlineData(403, null, false)]
    [InlineData(500, null, false)]
    public async Task Http_failures_are_classified(int status, string? retryAfter, bool retryable)
    {
        await using var sink = OtlpSink.Create(Specs.Of("otlp", _receiver.HttpEndpoint.ToString(), ("protocol", "http/protobuf")), new CapturingLoggerFactory());
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.Internal, status) { RetryAfter = retryAfter });

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.Equal("http_" + status, error.Reason);
        Assert.Equal(retryable, error.IsRetryable);
        Assert.Equal(retryAfter is null ? null : TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Theory]
    [InlineData("grpc", "deadline_exceeded")]
    [InlineData("http/protobuf", "timeout")]
    public async Task A_receiver_slower_than_the_timeout_is_a_retryable_timeout(string protocol, string reason)
    {
        await using var sink = OtlpSink.Create(Specs.Of("otlp", Endpoint(protocol), ("protocol", protocol), ("timeout", "0.3")), new CapturingLoggerFactory());
        _receiver.Delay = TimeSpan.FromSeconds(2);

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_a_delivery_failure()
    {
        await using var sink = OtlpSink.Create(Specs.Of("otlp", _receiver.GrpcEndpoint.ToString()), new CapturingLoggerFactory());
        // The receiver never answers, so only the caller's cancellation can end the call.
        _receiver.Delay = Timeout.InfiniteTimeSpan;
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), cancellation.Token));
    }

    [Theory]
    [InlineData("protocol", "http/json")]
    [InlineData("compression", "zstd")]
    [InlineData("headers", "novalue")]
    [InlineData("headers", "bad name=x")]
    [InlineData("headers", "x!y=1")]
    [InlineData("headers", "trace-bin=AAAA")]
    [InlineData("tenant", "t")]
    public void Bad_options_are_configuration_errors_naming_the_option(string key, string value)
    {
        var error = Assert.Throws<SinkConfigurationException>(() => OtlpSink.Create(Specs.Of("otlp", "http://collector:4317", (key, value)), new CapturingLoggerFactory()));

        Assert.Equal(key, error.ParamName);
    }

    [Fact]
    public void Header_values_never_appear_in_configuration_errors()
    {
        var error = Assert.Throws<SinkConfigurationException>(() =>
            OtlpSink.Create(Specs.Of("otlp", "http://collector:4317", ("headers", "x-api-key=sekrit-value,broken")), new CapturingLoggerFactory()));

        Assert.DoesNotContain("sekrit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task An_unreadable_answer_is_a_delivery_logged_as_a_warning_not_a_retry(string protocol)
    {
        var logs = new CapturingLoggerFactory();
        await using var sink = OtlpSink.Create(Specs.Of("otlp", Endpoint(protocol), ("protocol", protocol)), logs);
        _receiver.Answer = FakeOtlpAnswer.Unreadable;

        await sink.DeliverAsync(Cpu([Attr("service.name", "checkout")]), CancellationToken.None);

        Assert.Single(_receiver.Requests);
        Assert.Contains(logs.Messages, m => m.StartsWith("Warning", StringComparison.Ordinal) && m.Contains("answer was unreadable", StringComparison.Ordinal));
    }

    private string Endpoint(string protocol) => (protocol == "grpc" ? _receiver.GrpcEndpoint : _receiver.HttpEndpoint).ToString();

    private static void AssertCheckoutProfile(byte[] message)
    {
        var request = ExportProfilesServiceRequest.Parser.ParseFrom(message);
        var resource = Assert.Single(request.ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "service.name" && a.Value.StringValue == "checkout");
        var profile = Assert.Single(Assert.Single(resource.ScopeProfiles).Profiles);
        Assert.Equal("samples", request.Dictionary.StringTable[profile.SampleType.TypeStrindex]);
        Assert.Equal(PeriodNanos, profile.Period);
        Assert.Equal([5L, 30L], profile.Samples.Select(s => s.Values.Sum()).Order());
    }
}
