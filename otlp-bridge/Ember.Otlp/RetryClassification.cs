using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Grpc.Core;

namespace Ember.Otlp;

/// <summary>
/// The one retry classification of the suite, following the OTLP specification's "Failures"
/// sections. gRPC: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are
/// retryable; RESOURCE_EXHAUSTED only when the server says it can recover (RetryInfo or pushback);
/// every other status is permanent. HTTP: 429, 502, 503 and 504 are retryable, any other non-2xx is
/// permanent. Refused connections, TLS failures and timeouts are retryable. Used by the OTLP
/// exporters and by the bridge's Pyroscope and Parca sinks.
/// </summary>
public static class RetryClassification
{
    /// <summary>How much of an error body goes into <see cref="ExportResult.Detail"/>.</summary>
    private const int MaxErrorBodyChars = 256;

    /// <summary>Classifies a failed gRPC call.</summary>
    public static ExportResult FromGrpc(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = exception.StatusCode;
        var reason = GrpcReason(code);
        var detail = reason.ToUpperInvariant() + (exception.Status.Detail is { Length: > 0 } text ? ": " + text : "");
        var hint = RetryHints.Longest(
            RetryHints.FromPushbackMilliseconds(exception.Trailers.GetValue("grpc-retry-pushback-ms")),
            exception.Trailers.GetValueBytes("grpc-status-details-bin") is { } details ? RetryHints.FromStatusDetails(details) : null);
        var retryable = code is StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.OutOfRange
            or StatusCode.Unavailable or StatusCode.DataLoss
            || (code == StatusCode.ResourceExhausted && hint is not null);
        return retryable ? ExportResult.Retryable(reason, detail, hint, exception) : ExportResult.Permanent(reason, detail, exception);
    }

    /// <summary>
    /// The call's deadline passed: with ThrowOperationCanceledOnCancellation, Grpc.Net.Client reports it
    /// (and a server's DEADLINE_EXCEEDED) as cancellation, which the caller told apart from its own.
    /// </summary>
    public static ExportResult FromGrpcDeadline(OperationCanceledException exception, TimeSpan timeout) =>
        ExportResult.Retryable(GrpcReason(StatusCode.DeadlineExceeded), $"DEADLINE_EXCEEDED after at most {Seconds(timeout)} s", error: exception);

    /// <summary>Classifies a non-2xx HTTP response.</summary>
    /// <param name="response">The response (its status and Retry-After header).</param>
    /// <param name="body">Its body, of which the start goes into the detail.</param>
    /// <param name="now">The current time, for Retry-After HTTP-dates.</param>
    public static ExportResult FromHttpStatus(HttpResponseMessage response, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        var text = ErrorText(body);
        var detail = "HTTP " + status + (text.Length > 0 ? ": " + text : "");
        return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            ? ExportResult.Retryable("http_" + status, detail, RetryHints.FromRetryAfter(response.Headers.RetryAfter, now))
            : ExportResult.Permanent("http_" + status, detail);
    }

    /// <summary>
    /// A request that got no answer. A TLS handshake failure (untrusted or expired certificate) stays
    /// retryable: certificates get fixed or rotated; its own reason makes it visible.
    /// </summary>
    public static ExportResult FromHttpConnection(HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = exception.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection_refused",
            AuthenticationException => "tls",
            _ => "connection",
        };
        return ExportResult.Retryable(reason, exception.Message, error: exception);
    }

    /// <summary>The client's timeout passed before the answer came.</summary>
    public static ExportResult FromHttpTimeout(OperationCanceledException exception, TimeSpan timeout) =>
        ExportResult.Retryable("timeout", $"timed out after {Seconds(timeout)} s", error: exception);

    /// <summary>The status as gRPC spells it, lower-cased for a metric label (<c>invalid_argument</c>).</summary>
    public static string GrpcReason(StatusCode code)
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

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>The start of a server's error body, printable characters only (it ends up in logs).</summary>
    private static string ErrorText(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxErrorBodyChars * 4)]);
        var result = new StringBuilder(Math.Min(text.Length, MaxErrorBodyChars));
        foreach (var c in text)
        {
            if (result.Length == MaxErrorBodyChars)
            {
                break;
            }

            result.Append(char.IsControl(c) ? ' ' : c);
        }

        return result.ToString().Trim();
    }
}
