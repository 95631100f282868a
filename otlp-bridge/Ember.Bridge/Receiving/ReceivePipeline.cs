using Ember.Bridge.Intake;
using Ember.Bridge.Spooling;
using Ember.Bridge.Telemetry;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Receiving;

/// <summary>
/// The stages every receiver runs, in order: authenticate, choose the decoder, read the body under
/// <c>--max-request-bytes</c>, undo its Content-Encoding under <c>--max-decompressed-bytes</c>, decode,
/// hand to <see cref="ProfileIntake"/> (validation and spooling). Each refusal is counted
/// (<c>ember.bridge.profiles.rejected</c> with its reason) and ends the request with a
/// <see cref="ReceiveOutcome"/>; transports only describe requests and map outcomes to answers.
/// Thread-safe.
/// </summary>
internal sealed partial class ReceivePipeline(ProfileIntake intake, BearerTokenAuthenticator authenticator, BridgeMetrics metrics, ReceiveLimits limits, ILogger<ReceivePipeline> logger)
{
    /// <summary>Runs one request through every stage.</summary>
    /// <exception cref="OperationCanceledException">The client went away while its body was read.</exception>
    public async Task<ReceiveOutcome> RunAsync(ReceiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!authenticator.IsAuthorized(request.Authorization))
        {
            metrics.Rejected(request.Receiver, "unauthenticated", 1);
            return new ReceiveOutcome.Unauthenticated();
        }

        ProfilesData data;
        try
        {
            var decoder = request.ChooseDecoder();
            var body = await request.Body.ReadAsync(limits.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
            data = await decoder.DecodeAsync(UndoContentEncoding(body, request.ContentEncoding), limits, cancellationToken).ConfigureAwait(false);
        }
        catch (UnsupportedMediaTypeException ex)
        {
            metrics.Rejected(request.Receiver, "unsupported_media_type", 1);
            return new ReceiveOutcome.UnsupportedMediaType(ex.Message);
        }
        catch (PayloadTooLargeException ex)
        {
            metrics.Rejected(request.Receiver, "too_large", 1);
            return new ReceiveOutcome.PayloadTooLarge(ex.Message);
        }
        catch (ProfileFormatException ex)
        {
            metrics.Rejected(request.Receiver, "malformed", 1);
            LogMalformed(logger, request.Receiver, ex.Message);
            return new ReceiveOutcome.Malformed(ex.Message);
        }

        return Store(data, request.Receiver);
    }

    private ReceiveOutcome Store(ProfilesData data, string receiver)
    {
        try
        {
            return new ReceiveOutcome.Accepted(intake.Accept(data, receiver));
        }
        catch (SpoolFullException ex)
        {
            return new ReceiveOutcome.SpoolFull(ex.Message, ex.RetryAfter);
        }
        catch (IOException ex)
        {
            LogSpoolWriteFailed(logger, ex);
            return new ReceiveOutcome.StorageFailed(ex.Message);
        }
    }

    /// <summary>The payload under the Content-Encoding; null means the transport has nothing to undo.</summary>
    private byte[] UndoContentEncoding(byte[] body, string? contentEncoding)
    {
        if (contentEncoding is null)
        {
            return body;
        }

        var encoding = contentEncoding.Trim().ToLowerInvariant();
        if (encoding is not ("" or "identity" or "gzip"))
        {
            throw new ProfileFormatException($"Content-Encoding '{encoding}' is not supported; use gzip or none");
        }

        var payload = encoding == "gzip" ? GzipPayload.Decompress(body, limits.MaxDecompressedBytes) : body;
        return payload.Length > limits.MaxDecompressedBytes
            ? throw new PayloadTooLargeException($"request body is {payload.Length} bytes, over the limit of {limits.MaxDecompressedBytes} bytes")
            : payload;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Receiver}: malformed request refused: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string receiver, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "writing to a spool failed; the request was refused")]
    private static partial void LogSpoolWriteFailed(ILogger logger, Exception exception);
}
