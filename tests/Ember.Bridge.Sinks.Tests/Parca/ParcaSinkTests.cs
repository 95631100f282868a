using Ember.Bridge.Sinks.Parca;
using Ember.Bridge.Sinks.Shared;
using Ember.Bridge.Sinks.Tests.Fakes;
using Grpc.Core;
using static Ember.Bridge.Sinks.Tests.TestProfiles;
using OraclePprof = Ember.Profiles.Tests.Oracle.Pprof.Profile;

namespace Ember.Bridge.Sinks.Tests.Parca;

public sealed class ParcaSinkTests : IAsyncLifetime
{
    private FakeParca _parca = null!;

    public async Task InitializeAsync() => _parca = await FakeParca.StartAsync();

    public async Task DisposeAsync() => await _parca.DisposeAsync();

    [Fact]
    public async Task WriteRaw_carries_one_series_per_resource_with_name_and_resource_labels_and_a_gzipped_pprof()
    {
        var tokenFile = Specs.TempFile("parca-token\n");
        await using var sink = ParcaSink.Create(Specs.Of("parca", _parca.Target, ("insecure", "true"), ("bearer-token-file", tokenFile)), new CapturingLoggerFactory());
        var batch = Cpu([Attr("service.name", "checkout"), Attr("k8s.pod.name", "checkout-7d9"), Attr("process.pid", 4242)]);
        batch.ResourceProfiles.Add(CpuResource([Attr("process.executable.name", "worker")], hotCount: 3, coldCount: 1));

        await sink.DeliverAsync(batch, CancellationToken.None);

        var write = Assert.Single(_parca.Writes);
        Assert.Equal("Bearer parca-token", write.Headers["authorization"]);
        Assert.False(write.Request.Normalized);
        Assert.Equal(2, write.Request.Series.Count);
        Assert.Equal(
            [("__name__", "process_cpu"), ("service_name", "checkout"), ("k8s_pod_name", "checkout-7d9"), ("process_pid", "4242")],
            write.Request.Series[0].Labels.Labels.Select(l => (l.Name, l.Value)));
        Assert.Equal(
            [("__name__", "process_cpu"), ("service_name", "worker"), ("process_executable_name", "worker")],
            write.Request.Series[1].Labels.Labels.Select(l => (l.Name, l.Value)));
        Assert.True(Gzip.IsGzip(write.Request.Series[0].Samples[0].RawProfile.Span));

        var profile = Assert.Single(write.Profiles[0]);
        var sampleType = Assert.Single(profile.SampleType);
        Assert.Equal(("samples", "count"), (profile.StringTable[(int)sampleType.Type], profile.StringTable[(int)sampleType.Unit]));
        Assert.Equal(("cpu", "nanoseconds"), (profile.StringTable[(int)profile.PeriodType.Type], profile.StringTable[(int)profile.PeriodType.Unit]));
        Assert.Equal(PeriodNanos, profile.Period);
        // A non-zero duration makes Parca store the type as a delta profile.
        Assert.Equal((long)DurationNanos, profile.DurationNanos);
        Assert.Equal((long)StartNanos, profile.TimeNanos);
        Assert.Equal(30L, SampleOf(profile, "hot"));
        Assert.Equal(5L, SampleOf(profile, "cold"));
        Assert.Equal(3L, SampleOf(Assert.Single(write.Profiles[1]), "hot"));
    }

    [Fact]
    public async Task Unavailable_is_retryable_with_the_pushback_hint()
    {
        await using var sink = ParcaSink.Create(Specs.Of("parca", _parca.Target, ("insecure", "true")), new CapturingLoggerFactory());
        _parca.FailNext(StatusCode.Unavailable, "1500");

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("unavailable", error.Reason);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), error.RetryAfter);
        Assert.IsType<RpcException>(error.InnerException);
    }

    // The OTLP specification's classification, shared with every sink: RESOURCE_EXHAUSTED is retryable
    // only when the server says when it can take more (pushback or RetryInfo).
    [Theory]
    [InlineData(StatusCode.ResourceExhausted, "2000", "resource_exhausted", true)]
    [InlineData(StatusCode.ResourceExhausted, null, "resource_exhausted", false)]
    [InlineData(StatusCode.Aborted, null, "aborted", true)]
    [InlineData(StatusCode.InvalidArgument, null, "invalid_argument", false)]
    [InlineData(StatusCode.Unauthenticated, null, "unauthenticated", false)]
    [InlineData(StatusCode.PermissionDenied, null, "permission_denied", false)]
    public async Task Status_codes_are_classified(StatusCode code, string? pushbackMs, string reason, bool retryable)
    {
        await using var sink = ParcaSink.Create(Specs.Of("parca", _parca.Target, ("insecure", "true")), new CapturingLoggerFactory());
        _parca.FailNext(code, pushbackMs);

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(retryable, error.IsRetryable);
    }

    [Fact]
    public async Task A_parca_that_is_down_is_retryable()
    {
        await using var sink = ParcaSink.Create(Specs.Of("parca", "127.0.0.1:" + Specs.ClosedPort(), ("insecure", "true")), new CapturingLoggerFactory());

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("unavailable", error.Reason);
    }

    [Fact]
    public async Task Tls_with_ca_file_trusts_a_private_ca_and_without_it_the_server_is_refused()
    {
        await using var tlsParca = await FakeParca.StartAsync(tls: true);
        await using (var trusting = ParcaSink.Create(Specs.Of("parca", tlsParca.Target, ("ca-file", tlsParca.CaFile!)), new CapturingLoggerFactory()))
        {
            await trusting.DeliverAsync(Cpu([Attr("service.name", "tls")]), CancellationToken.None);
        }

        Assert.Equal("tls", Assert.Single(tlsParca.Writes).Request.Series[0].Labels.Labels.Single(l => l.Name == "service_name").Value);

        await using var untrusting = ParcaSink.Create(Specs.Of("parca", tlsParca.Target), new CapturingLoggerFactory());
        await Assert.ThrowsAsync<SinkDeliveryException>(() => untrusting.DeliverAsync(Cpu([Attr("service.name", "tls")]), CancellationToken.None));
        Assert.Single(tlsParca.Writes);
    }

    [Fact]
    public async Task An_empty_batch_makes_no_call()
    {
        await using var sink = ParcaSink.Create(Specs.Of("parca", _parca.Target, ("insecure", "true")), new CapturingLoggerFactory());

        await sink.DeliverAsync(new Ember.Profiles.Otlp.ProfilesData(), CancellationToken.None);

        Assert.Empty(_parca.Calls);
    }

    [Theory]
    [InlineData("http://parca:7070", "target")]
    [InlineData("parca", "target")]
    [InlineData("parca:99999", "target")]
    public void Bad_targets_are_configuration_errors(string target, string named) =>
        Assert.Equal(named, Assert.Throws<SinkConfigurationException>(() => ParcaSink.Create(Specs.Of("parca", target), new CapturingLoggerFactory())).ParamName);

    [Theory]
    [InlineData("insecure", "yes")]
    [InlineData("tenant", "x")]
    [InlineData("bearer-token-file", "/nonexistent/ember/token")]
    public void Bad_options_are_configuration_errors_naming_the_option(string key, string value) =>
        Assert.Equal(key, Assert.Throws<SinkConfigurationException>(() => ParcaSink.Create(Specs.Of("parca", "parca:7070", (key, value)), new CapturingLoggerFactory())).ParamName);

    private static long SampleOf(OraclePprof profile, string leaf) =>
        profile.Sample.Single(s =>
        {
            var location = profile.Location.Single(l => l.Id == s.LocationId[0]);
            return profile.StringTable[(int)profile.Function.Single(f => f.Id == location.Line[0].FunctionId).Name] == leaf;
        }).Value[0];
}
