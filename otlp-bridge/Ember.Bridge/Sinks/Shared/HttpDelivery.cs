using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Sends one HTTP request for a sink and turns every failure into a classified
/// <see cref="SinkDeliveryException"/>: 429/502/503/504, refused connections and timeouts are
/// retryable (with Retry-After), any other non-2xx status is permanent. One attempt only: retrying
/// is the delivery loop's job.
/// </summary>
public static class HttpDelivery
{
    /// <summary>How much of an error body goes into the exception message.</summary>
    private const int MaxErrorBodyChars = 256;

    /// <summary>Sends the request and returns the body of a 2xx response.</summary>
    /// <param name="client">The sink's client (its timeout bounds the attempt).</param>
    /// <param name="request">The request; the caller disposes it.</param>
    /// <param name="what">"sink NAME: POST URL", for messages.</param>
    /// <param name="cancellationToken">Cancels the attempt (bridge shutdown); then <see cref="OperationCanceledException"/> propagates.</param>
    /// <exception cref="SinkDeliveryException">The request failed.</exception>
    public static async Task<byte[]> SendAsync(HttpClient client, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw ConnectionFailure(ex, what);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkDeliveryException($"{what}: timed out after {client.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", "timeout", isRetryable: true, innerException: ex);
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw ConnectionFailure(ex, what);
            }

            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            throw StatusFailure(response, body, what);
        }
    }

    /// <summary>Classifies a non-2xx response.</summary>
    public static SinkDeliveryException StatusFailure(HttpResponseMessage response, ReadOnlySpan<byte> body, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
        var retryAfter = retryable ? RetryAfter.FromHeader(response.Headers.RetryAfter, DateTimeOffset.UtcNow) : null;
        var detail = ErrorText(body);
        var message = $"{what}: HTTP {status.ToString(CultureInfo.InvariantCulture)}{(detail.Length > 0 ? ": " + detail : "")}";
        return new SinkDeliveryException(message, "http_" + status.ToString(CultureInfo.InvariantCulture), retryable, retryAfter);
    }

    private static SinkDeliveryException ConnectionFailure(HttpRequestException ex, string what)
    {
        // A TLS handshake failure (untrusted or expired certificate) stays retryable: certificates get
        // fixed or rotated, and the spool keeps the batch meanwhile; its own reason makes it visible.
        var reason = ex.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection_refused",
            AuthenticationException => "tls",
            _ => "connection",
        };
        return new SinkDeliveryException($"{what}: {ex.Message}", reason, isRetryable: true, innerException: ex);
    }

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
