using Grpc.Core;

namespace Ember.TestSupport.Otlp;

/// <summary>How <see cref="FakeOtlpReceiver"/> fails a request: a gRPC status or an HTTP status, with the server's retry hints.</summary>
/// <param name="Grpc">The status of a failed gRPC call.</param>
/// <param name="Http">The status of a failed OTLP/HTTP request.</param>
public sealed record FakeOtlpFailure(StatusCode Grpc, int Http)
{
    /// <summary>gRPC UNAVAILABLE with grpc-retry-pushback-ms 1000; HTTP 503 with Retry-After: 1.</summary>
    public static FakeOtlpFailure Unavailable { get; } = new(StatusCode.Unavailable, 503) { RetryAfter = "1", PushbackMilliseconds = "1000" };

    /// <summary>gRPC INVALID_ARGUMENT; HTTP 400.</summary>
    public static FakeOtlpFailure InvalidArgument { get; } = new(StatusCode.InvalidArgument, 400);

    /// <summary>The HTTP Retry-After header (seconds or an HTTP-date), if any.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>The gRPC grpc-retry-pushback-ms trailer, if any.</summary>
    public string? PushbackMilliseconds { get; init; }

    /// <summary>A google.rpc.RetryInfo delay sent in grpc-status-details-bin, if any.</summary>
    public TimeSpan? RetryInfo { get; init; }
}
