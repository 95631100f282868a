using System.Text;
using Grpc.Core;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Classifies a failed gRPC call: UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED and
/// CANCELLED (the server or a proxy went away mid-call) are retryable, honouring
/// <c>grpc-retry-pushback-ms</c>; every other status (INVALID_ARGUMENT, UNAUTHENTICATED,
/// PERMISSION_DENIED, UNIMPLEMENTED...) is permanent.
/// </summary>
public static class GrpcDelivery
{
    /// <summary>The classified exception for a failed call.</summary>
    /// <param name="exception">What Grpc.Net.Client threw.</param>
    /// <param name="what">"sink NAME: METHOD at TARGET", for messages.</param>
    public static SinkDeliveryException Failure(RpcException exception, string what)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = exception.StatusCode;
        var retryable = code is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Aborted
            or StatusCode.DeadlineExceeded or StatusCode.Cancelled;
        var pushback = retryable ? RetryAfter.FromPushbackMilliseconds(exception.Trailers.GetValue("grpc-retry-pushback-ms")) : null;
        var reason = SnakeCase(code);
        var detail = exception.Status.Detail is { Length: > 0 } text ? ": " + text : "";
        return new SinkDeliveryException($"{what}: {reason.ToUpperInvariant()}{detail}", reason, retryable, pushback, exception);
    }

    /// <summary>
    /// The call's deadline passed (or the server answered DEADLINE_EXCEEDED): with
    /// ThrowOperationCanceledOnCancellation, Grpc.Net.Client reports both as cancellation, which the
    /// caller told apart from its own by checking its token.
    /// </summary>
    public static SinkDeliveryException DeadlineExceeded(OperationCanceledException exception, string what, TimeSpan timeout) =>
        new($"{what}: DEADLINE_EXCEEDED after at most {timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s",
            SnakeCase(StatusCode.DeadlineExceeded), isRetryable: true, innerException: exception);

    /// <summary>The status as gRPC spells it, lower-cased for a metric label (invalid_argument).</summary>
    public static string SnakeCase(StatusCode code)
    {
        var name = new StringBuilder();
        foreach (var c in code.ToString())
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }
}
