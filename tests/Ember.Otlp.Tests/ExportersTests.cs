using System.Globalization;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.TestSupport.Otlp;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Otlp.Tests;

/// <summary>Both exporters against <see cref="FakeOtlpReceiver"/>, which speaks the real protocols.</summary>
public sealed class ExportersTests : IAsyncLifetime
{
    private FakeOtlpReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await FakeOtlpReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private OtlpExportOptions Options(OtlpProtocol protocol, bool gzip = true, double timeoutSeconds = 10) => new(
        protocol == OtlpProtocol.Grpc ? _receiver.GrpcEndpoint : _receiver.HttpEndpoint,
        protocol,
        [new("X-Scope-OrgID", "team a"), new("authorization", "Bearer abc")],
        gzip,
        TimeSpan.FromSeconds(timeoutSeconds));

    private static async Task<ExportResult> ExportAsync(OtlpExportOptions options, TimeProvider? time = null, CancellationToken cancellation = default)
    {
        using var exporter = OtlpExporter.Create(options, time);
        return await exporter.ExportAsync(TestWindows.HotLoop(), cancellation);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, true)]
    [InlineData(OtlpProtocol.Grpc, false)]
    [InlineData(OtlpProtocol.HttpProtobuf, true)]
    [InlineData(OtlpProtocol.HttpProtobuf, false)]
    public async Task A_request_arrives_decodable_with_its_headers_and_compression(OtlpProtocol protocol, bool gzip)
    {
        var result = await ExportAsync(Options(protocol, gzip));

        Assert.Equal((ExportOutcome.Accepted, false, ExportPartialSuccess.None), (result.Outcome, result.ResponseUnreadable, result.PartialSuccess));
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal(gzip, request.Compressed);
        Assert.Equal("team a", request.Headers["x-scope-orgid"]);
        Assert.Equal("Bearer abc", request.Headers["authorization"]);
        var oracle = ExportProfilesServiceRequest.Parser.ParseFrom(request.Message);
        var resource = Assert.Single(oracle.ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == 1234);
        var sample = Assert.Single(Assert.Single(Assert.Single(resource.ScopeProfiles).Profiles).Samples);
        Assert.Equal(42, sample.Values.Sum());
        var function = oracle.Dictionary.FunctionTable[oracle.Dictionary.LocationTable[oracle.Dictionary.StackTable[sample.StackIndex].LocationIndices[0]].Lines[0].FunctionIndex];
        Assert.Equal("main.hotLoop", oracle.Dictionary.StringTable[function.NameStrindex]);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, "/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export", "application/grpc")]
    [InlineData(OtlpProtocol.HttpProtobuf, "/v1development/profiles", "application/x-protobuf")]
    public async Task Requests_go_to_the_profiles_path_with_the_protocol_content_type(OtlpProtocol protocol, string path, string contentType)
    {
        await ExportAsync(Options(protocol));

        var request = Assert.Single(_receiver.Requests);
        Assert.Equal((path, contentType), (request.Path, request.Headers["content-type"]));
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, FakeOtlpAnswer.Protobuf)]
    [InlineData(OtlpProtocol.HttpProtobuf, FakeOtlpAnswer.Protobuf)]
    [InlineData(OtlpProtocol.HttpProtobuf, FakeOtlpAnswer.Json)]
    public async Task Partial_success_is_read_from_protobuf_and_json_answers(OtlpProtocol protocol, FakeOtlpAnswer answer)
    {
        _receiver.Answer = answer;
        _receiver.RejectProfiles(2, "profile too old");

        var result = await ExportAsync(Options(protocol));

        Assert.Equal(ExportOutcome.Accepted, result.Outcome);
        Assert.Equal(new ExportPartialSuccess(2, "profile too old"), result.PartialSuccess);
        Assert.False(result.ResponseUnreadable);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public async Task An_unreadable_success_answer_is_accepted_with_a_warning_not_a_failure(OtlpProtocol protocol)
    {
        _receiver.Answer = FakeOtlpAnswer.Unreadable;

        var result = await ExportAsync(Options(protocol));

        Assert.Equal((ExportOutcome.Accepted, true), (result.Outcome, result.ResponseUnreadable));
        Assert.StartsWith("unreadable export response", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.Error);
        Assert.Single(_receiver.Exports);
    }

    [Theory]
    [InlineData(StatusCode.Cancelled, "cancelled")]
    [InlineData(StatusCode.Aborted, "aborted")]
    [InlineData(StatusCode.OutOfRange, "out_of_range")]
    [InlineData(StatusCode.Unavailable, "unavailable")]
    [InlineData(StatusCode.DataLoss, "data_loss")]
    public async Task Grpc_statuses_the_specification_calls_retryable_are_retryable(StatusCode code, string reason)
    {
        _receiver.FailNext(new FakeOtlpFailure(code, 500));

        var result = await ExportAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal((ExportOutcome.Retryable, reason), (result.Outcome, result.Reason));
        Assert.IsType<RpcException>(result.Error);
    }

    [Fact]
    public async Task A_server_deadline_exceeded_is_retryable()
    {
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.DeadlineExceeded, 500));

        var result = await ExportAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal((ExportOutcome.Retryable, "deadline_exceeded"), (result.Outcome, result.Reason));
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, "invalid_argument")]
    [InlineData(StatusCode.Unauthenticated, "unauthenticated")]
    [InlineData(StatusCode.PermissionDenied, "permission_denied")]
    [InlineData(StatusCode.NotFound, "not_found")]
    [InlineData(StatusCode.Unimplemented, "unimplemented")]
    [InlineData(StatusCode.Internal, "internal")]
    [InlineData(StatusCode.ResourceExhausted, "resource_exhausted")]
    public async Task Other_grpc_statuses_are_permanent_with_the_server_message(StatusCode code, string reason)
    {
        _receiver.FailNext(new FakeOtlpFailure(code, 500));

        var result = await ExportAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal((ExportOutcome.Permanent, reason, reason.ToUpperInvariant() + ": fake failure"), (result.Outcome, result.Reason, result.Detail));
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task Unavailable_carries_the_pushback_as_its_hint()
    {
        _receiver.FailNext(FakeOtlpFailure.Unavailable);

        var result = await ExportAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal((ExportOutcome.Retryable, TimeSpan.FromSeconds(1)), (result.Outcome, result.RetryAfter));
    }

    [Theory]
    [InlineData("1500", null, 1500)]
    [InlineData(null, 2500, 2500)]
    [InlineData("1500", 2500, 2500)]
    [InlineData("4000", 2500, 4000)]
    public async Task Resource_exhausted_is_retryable_when_the_server_says_when_and_the_longest_hint_wins(string? pushback, int? retryInfoMilliseconds, int expectedMilliseconds)
    {
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.ResourceExhausted, 429)
        {
            PushbackMilliseconds = pushback,
            RetryInfo = retryInfoMilliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        });

        var result = await ExportAsync(Options(OtlpProtocol.Grpc));

        Assert.Equal((ExportOutcome.Retryable, "resource_exhausted", TimeSpan.FromMilliseconds(expectedMilliseconds)), (result.Outcome, result.Reason, result.RetryAfter));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Http_statuses_the_specification_calls_retryable_are_retryable(int status)
    {
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.Internal, status));

        var result = await ExportAsync(Options(OtlpProtocol.HttpProtobuf));

        Assert.Equal((ExportOutcome.Retryable, "http_" + status.ToString(CultureInfo.InvariantCulture)), (result.Outcome, result.Reason));
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(500)]
    public async Task Other_http_statuses_are_permanent(int status)
    {
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.Internal, status) { RetryAfter = "5" });

        var result = await ExportAsync(Options(OtlpProtocol.HttpProtobuf));

        Assert.Equal((ExportOutcome.Permanent, "http_" + status.ToString(CultureInfo.InvariantCulture)), (result.Outcome, result.Reason));
        Assert.StartsWith("HTTP " + status.ToString(CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("Wed, 25 Nov 2026 06:00:30 GMT", 30)]
    [InlineData("Wed, 25 Nov 2026 05:59:00 GMT", 0)]
    public async Task Retry_after_in_seconds_or_as_an_http_date_is_the_hint(string retryAfter, int expectedSeconds)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
        _receiver.FailNext(new FakeOtlpFailure(StatusCode.Internal, 503) { RetryAfter = retryAfter });

        var result = await ExportAsync(Options(OtlpProtocol.HttpProtobuf), time);

        Assert.Equal((ExportOutcome.Retryable, TimeSpan.FromSeconds(expectedSeconds)), (result.Outcome, result.RetryAfter));
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, "unavailable")]
    [InlineData(OtlpProtocol.HttpProtobuf, "connection_refused")]
    public async Task A_refused_connection_is_retryable(OtlpProtocol protocol, string reason)
    {
        var closed = new Uri($"http://127.0.0.1:{ClosedPort().ToString(CultureInfo.InvariantCulture)}/v1development/profiles");

        var result = await ExportAsync(Options(protocol) with { Endpoint = closed });

        Assert.Equal((ExportOutcome.Retryable, reason), (result.Outcome, result.Reason));
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, "deadline_exceeded")]
    [InlineData(OtlpProtocol.HttpProtobuf, "timeout")]
    public async Task A_receiver_slower_than_the_timeout_is_a_retryable_timeout(OtlpProtocol protocol, string reason)
    {
        _receiver.Delay = TimeSpan.FromSeconds(5);

        var result = await ExportAsync(Options(protocol, timeoutSeconds: 0.3));

        Assert.Equal((ExportOutcome.Retryable, reason), (result.Outcome, result.Reason));
        Assert.IsAssignableFrom<OperationCanceledException>(result.Error);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc)]
    [InlineData(OtlpProtocol.HttpProtobuf)]
    public async Task Cancellation_by_the_caller_is_not_a_result(OtlpProtocol protocol)
    {
        _receiver.Delay = TimeSpan.FromSeconds(5);
        using var cancellation = new CancellationTokenSource();
        using var exporter = OtlpExporter.Create(Options(protocol));
        var export = exporter.ExportAsync(TestWindows.HotLoop(), cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => export);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
