using System.Globalization;
using System.Text;
using Ember.Bridge.Sinks.Pyroscope;
using Ember.Bridge.Sinks.Shared;
using Ember.Bridge.Sinks.Tests.Fakes;
using static Ember.Bridge.Sinks.Tests.TestProfiles;

namespace Ember.Bridge.Sinks.Tests.Pyroscope;

public sealed class PyroscopeSinkTests : IAsyncLifetime
{
    private FakePyroscope _pyroscope = null!;

    public async Task InitializeAsync() => _pyroscope = await FakePyroscope.StartAsync();

    public async Task DisposeAsync() => await _pyroscope.DisposeAsync();

    [Fact]
    public async Task Otlp_mode_posts_the_batch_gzipped_to_v1development_profiles_with_tenant_and_basic_auth()
    {
        var passwordFile = Specs.TempFile("s3cret-pass\n");
        var logs = new CapturingLoggerFactory();
        await using var sink = PyroscopeSink.Create(
            Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("tenant", "team-a"), ("username", "bridge"), ("password-file", passwordFile)), logs);

        await sink.DeliverAsync(Cpu([Attr("service.name", "checkout"), Attr("k8s.pod.name", "checkout-7d9")]), CancellationToken.None);

        var request = Assert.Single(_pyroscope.Requests);
        Assert.Equal("/v1development/profiles", request.Path);
        Assert.Equal("application/x-protobuf", request.Header("content-type"));
        Assert.Equal("gzip", request.Header("content-encoding"));
        Assert.True(Gzip.IsGzip(request.Body));
        Assert.Equal("team-a", request.Header("x-scope-orgid"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bridge:s3cret-pass")), request.Header("authorization"));

        var export = Assert.Single(_pyroscope.OtlpExports);
        var resource = Assert.Single(export.ResourceProfiles);
        // Pyroscope reads only the plain key/string_value of resource attributes.
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "service.name" && a.Value.StringValue == "checkout");
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "k8s.pod.name" && a.Value.StringValue == "checkout-7d9");
        var profile = Assert.Single(Assert.Single(resource.ScopeProfiles).Profiles);
        Assert.Equal("samples", export.Dictionary.StringTable[profile.SampleType.TypeStrindex]);
        Assert.Equal("cpu", export.Dictionary.StringTable[profile.PeriodType.TypeStrindex]);
        Assert.Equal(PeriodNanos, profile.Period);
        Assert.Equal([30L, 5L], profile.Samples.Select(s => s.Values.Sum()).Order().Reverse());
        Assert.DoesNotContain(logs.Messages, m => m.Contains("s3cret-pass", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_mode_pushes_one_gzipped_pprof_per_resource_with_labels_in_the_name()
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("protocol", "ingest")), new CapturingLoggerFactory());
        var batch = Cpu([Attr("service.name", "checkout"), Attr("k8s.pod.name", "checkout-7d9"), Attr("process.pid", 4242), Attr("host.name", "node,1=a{b}")]);
        batch.ResourceProfiles.Add(CpuResource([Attr("process.executable.name", "worker")], hotCount: 3, coldCount: 1));
        batch.ResourceProfiles.Add(CpuResource([], hotCount: 1, coldCount: 1));

        await sink.DeliverAsync(batch, CancellationToken.None);

        var pushes = _pyroscope.Ingested;
        Assert.Equal(3, pushes.Count);
        var (request, profile) = pushes[0];
        Assert.Equal("/ingest", request.Path);
        // service.name is the app name (Pyroscope's service_name); the other attributes are sanitized labels,
        // values with label-set syntax characters made harmless.
        Assert.Equal("checkout{k8s_pod_name=checkout-7d9,process_pid=4242,host_name=node_1_a_b_}", request.Query["name"]);
        Assert.Equal("pprof", request.Query["format"]);
        Assert.Equal("100", request.Query["sampleRate"]);
        Assert.Equal("ember", request.Query["spyName"]);
        Assert.Equal((StartNanos / 1_000_000_000).ToString(CultureInfo.InvariantCulture), request.Query["from"]);
        Assert.Equal(((StartNanos + DurationNanos) / 1_000_000_000).ToString(CultureInfo.InvariantCulture), request.Query["until"]);
        Assert.True(Gzip.IsGzip(request.Body));
        Assert.Equal("worker{process_executable_name=worker}", pushes[1].Request.Query["name"]);
        Assert.Equal("unknown_service{}", pushes[2].Request.Query["name"]);

        // Sample counts became CPU time so the series lands in process_cpu:cpu:nanoseconds:cpu:nanoseconds.
        var sampleType = Assert.Single(profile.SampleType);
        Assert.Equal("cpu", profile.StringTable[(int)sampleType.Type]);
        Assert.Equal("nanoseconds", profile.StringTable[(int)sampleType.Unit]);
        Assert.Equal("cpu", profile.StringTable[(int)profile.PeriodType.Type]);
        Assert.Equal(PeriodNanos, profile.Period);
        var byLeaf = profile.Sample.ToDictionary(s => LeafName(profile, s), s => Assert.Single(s.Value));
        Assert.Equal(30 * PeriodNanos, byLeaf["hot"]);
        Assert.Equal(5 * PeriodNanos, byLeaf["cold"]);
        Assert.Equal(3 * PeriodNanos, pushes[1].Profile.Sample.Single(s => LeafName(pushes[1].Profile, s) == "hot").Value[0]);
    }

    [Fact]
    public async Task Bearer_token_file_sends_a_bearer_authorization_header()
    {
        var tokenFile = Specs.TempFile("tok-123\n");
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("bearer-token-file", tokenFile)), new CapturingLoggerFactory());

        await sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None);

        Assert.Equal("Bearer tok-123", Assert.Single(_pyroscope.Requests).Header("authorization"));
        Assert.Null(_pyroscope.Requests[0].Header("x-scope-orgid"));
    }

    [Fact]
    public async Task Push_mode_sends_every_series_in_one_connect_call_with_exact_labels()
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("protocol", "push"), ("tenant", "t1")), new CapturingLoggerFactory());
        var batch = Cpu([Attr("service.name", "checkout"), Attr("k8s.pod.name", "checkout-7d9"), Attr("host.name", "node,1=a{b}")]);
        batch.ResourceProfiles.Add(CpuResource([Attr("process.executable.name", "worker")], hotCount: 3, coldCount: 1));

        await sink.DeliverAsync(batch, CancellationToken.None);

        var (request, push, profiles) = Assert.Single(_pyroscope.Pushes);
        Assert.Equal("/push.v1.PusherService/Push", request.Path);
        Assert.Equal("application/proto", request.Header("content-type"));
        Assert.Equal("1", request.Header("connect-protocol-version"));
        Assert.Equal("t1", request.Header("x-scope-orgid"));
        Assert.Equal(2, push.Series.Count);
        Assert.Equal(
            [("__name__", "process_cpu"), ("__delta__", "false"), ("service_name", "checkout"), ("k8s_pod_name", "checkout-7d9"), ("host_name", "node,1=a{b}")],
            push.Series[0].Labels.Select(l => (l.Name, l.Value)));
        Assert.Equal("worker", push.Series[1].Labels.Single(l => l.Name == "service_name").Value);
        Assert.True(Guid.TryParse(push.Series[0].Samples.Single().ID, out _));
        Assert.NotEqual(push.Series[0].Samples[0].ID, push.Series[1].Samples[0].ID);
        var profile = profiles[0];
        Assert.Equal("cpu", profile.StringTable[(int)Assert.Single(profile.SampleType).Type]);
        Assert.Equal(30 * PeriodNanos, profile.Sample.Single(s => LeafName(profile, s) == "hot").Value[0]);
        Assert.Equal(3 * PeriodNanos, profiles[1].Sample.Single(s => LeafName(profiles[1], s) == "hot").Value[0]);
    }

    [Theory]
    [InlineData("otlp")]
    [InlineData("push")]
    [InlineData("ingest")]
    public async Task Status_503_with_retry_after_seconds_is_retryable_with_the_hint(string protocol)
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("protocol", protocol)), new CapturingLoggerFactory());
        _pyroscope.FailNext(503, "7");

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("http_503", error.Reason);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("fake failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_429_with_retry_after_http_date_is_retryable_with_the_remaining_time()
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString()), new CapturingLoggerFactory());
        _pyroscope.FailNext(429, DateTimeOffset.UtcNow.AddSeconds(120).ToString("r", CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("http_429", error.Reason);
        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(121));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(413)]
    public async Task Client_errors_are_permanent(int status)
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("protocol", "ingest")), new CapturingLoggerFactory());
        _pyroscope.FailNext(status, "5");

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.False(error.IsRetryable);
        Assert.Equal("http_" + status.ToString(CultureInfo.InvariantCulture), error.Reason);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task A_server_that_is_down_is_a_retryable_connection_refusal()
    {
        await using var sink = PyroscopeSink.Create(Specs.Of("pyroscope", $"http://127.0.0.1:{Specs.ClosedPort().ToString(CultureInfo.InvariantCulture)}"), new CapturingLoggerFactory());

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.True(error.IsRetryable);
        Assert.Equal("connection_refused", error.Reason);
    }

    [Fact]
    public async Task Https_with_ca_file_trusts_a_private_ca_and_without_it_the_server_is_refused()
    {
        await using var tlsPyroscope = await FakePyroscope.StartAsync(tls: true);
        await using (var trusting = PyroscopeSink.Create(Specs.Of("pyroscope", tlsPyroscope.BaseUrl.ToString(), ("ca-file", tlsPyroscope.CaFile!)), new CapturingLoggerFactory()))
        {
            await trusting.DeliverAsync(Cpu([Attr("service.name", "tls")]), CancellationToken.None);
        }

        Assert.Single(tlsPyroscope.OtlpExports);

        await using var untrusting = PyroscopeSink.Create(Specs.Of("pyroscope", tlsPyroscope.BaseUrl.ToString()), new CapturingLoggerFactory());
        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => untrusting.DeliverAsync(Cpu([Attr("service.name", "tls")]), CancellationToken.None));
        Assert.Equal("tls", error.Reason);
        Assert.True(error.IsRetryable);
        Assert.Single(tlsPyroscope.OtlpExports);
    }

    [Fact]
    public void A_ca_file_without_certificates_is_a_configuration_error() =>
        Assert.Equal("ca-file", Assert.Throws<SinkConfigurationException>(() =>
            PyroscopeSink.Create(Specs.Of("pyroscope", "https://pyroscope:4040", ("ca-file", Specs.TempFile("not a certificate"))), new CapturingLoggerFactory())).ParamName);

    [Fact]
    public async Task Inline_password_never_appears_in_logs_or_errors()
    {
        var logs = new CapturingLoggerFactory();
        await using var sink = PyroscopeSink.Create(
            Specs.Of("pyroscope", _pyroscope.BaseUrl.ToString(), ("username", "u"), ("password", "hunter2-inline"), ("protocol", "ingest")), logs);
        _pyroscope.FailNext(401);

        var error = await Assert.ThrowsAsync<SinkDeliveryException>(() => sink.DeliverAsync(Cpu([Attr("service.name", "a")]), CancellationToken.None));

        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("hunter2", StringComparison.Ordinal));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:hunter2-inline")), _pyroscope.Requests[0].Header("authorization"));
    }

    [Theory]
    [InlineData("protocol", "grpc", "protocol")]
    [InlineData("tenant", "a b", "tenant")]
    [InlineData("timeout", "-1", "timeout")]
    [InlineData("colour", "blue", "colour")]
    [InlineData("password", "p", "username")]
    public void Bad_options_throw_a_configuration_error_naming_the_option(string key, string value, string named)
    {
        var error = Assert.Throws<SinkConfigurationException>(() => PyroscopeSink.Create(Specs.Of("pyroscope", "http://pyroscope:4040", (key, value)), new CapturingLoggerFactory()));

        Assert.Equal(named, error.ParamName);
    }

    [Theory]
    [InlineData("pyroscope:4040")]
    [InlineData("ftp://pyroscope")]
    [InlineData("http://user:s3cr3t@pyroscope:4040")]
    public void Bad_targets_throw_a_configuration_error_naming_the_target(string target)
    {
        var error = Assert.Throws<SinkConfigurationException>(() => PyroscopeSink.Create(Specs.Of("pyroscope", target), new CapturingLoggerFactory()));

        Assert.Equal("target", error.ParamName);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_password_file_names_the_option_not_a_secret()
    {
        var error = Assert.Throws<SinkConfigurationException>(() => PyroscopeSink.Create(
            Specs.Of("pyroscope", "http://pyroscope:4040", ("username", "u"), ("password-file", "/nonexistent/ember/pw")), new CapturingLoggerFactory()));

        Assert.Equal("password-file", error.ParamName);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    private static string LeafName(Ember.Profiles.Tests.Oracle.Pprof.Profile profile, Ember.Profiles.Tests.Oracle.Pprof.Sample sample)
    {
        var location = profile.Location.Single(l => l.Id == sample.LocationId[0]);
        var function = profile.Function.Single(f => f.Id == location.Line[0].FunctionId);
        return profile.StringTable[(int)function.Name];
    }
}
