namespace Ember.Otlp;

/// <summary>The answer to one HTTP request: its classification and, for a 2xx, the body.</summary>
/// <param name="Result">Accepted (any 2xx), retryable or permanent, per <see cref="RetryClassification"/>.</param>
/// <param name="Body">The response body (empty when no answer came).</param>
/// <param name="MediaType">The body's media type without parameters, if any.</param>
public sealed record HttpAnswer(ExportResult Result, byte[] Body, string? MediaType);

/// <summary>
/// Sends one HTTP request and classifies the answer: one attempt, retrying is the caller's business.
/// Shared by the OTLP/HTTP exporter and the bridge's Pyroscope sink.
/// </summary>
public static class HttpExchange
{
    /// <summary>Sends the request.</summary>
    /// <param name="client">The client; its timeout bounds the attempt.</param>
    /// <param name="request">The request; the caller disposes it.</param>
    /// <param name="time">The clock for Retry-After HTTP-dates.</param>
    /// <param name="cancellation">Cancels the attempt; then <see cref="OperationCanceledException"/> propagates.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static async Task<HttpAnswer> SendAsync(HttpClient client, HttpRequestMessage request, TimeProvider time, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            using var response = await client.SendAsync(request, cancellation).ConfigureAwait(false);
            byte[] body;
            try
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (response.IsSuccessStatusCode && IsTransportFailure(ex, cancellation))
            {
                // The status is the acceptance: resending because the body broke off would duplicate the data.
                return new HttpAnswer(ExportResult.AcceptedUnreadable(ex), [], null);
            }

            var result = response.IsSuccessStatusCode
                ? ExportResult.Accepted(ExportPartialSuccess.None)
                : RetryClassification.FromHttpStatus(response, body, time.GetUtcNow());
            return new HttpAnswer(result, body, response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException ex)
        {
            return new HttpAnswer(RetryClassification.FromHttpConnection(ex), [], null);
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            return new HttpAnswer(RetryClassification.FromHttpTimeout(ex, client.Timeout), [], null);
        }
    }

    private static bool IsTransportFailure(Exception exception, CancellationToken cancellation) =>
        exception is HttpRequestException or IOException || (exception is OperationCanceledException && !cancellation.IsCancellationRequested);
}
