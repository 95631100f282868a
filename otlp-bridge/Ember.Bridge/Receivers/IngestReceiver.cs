using System.Diagnostics;
using System.Globalization;
using Ember.Bridge.Receiving;
using Microsoft.AspNetCore.Http;

namespace Ember.Bridge.Receivers;

/// <summary>
/// Pyroscope-compatible <c>POST /ingest</c> (and <c>/pyroscope/ingest</c>) for pprof pushes from
/// Pyroscope SDKs; <see cref="IngestDecoder"/> reads the query and body. The pprof becomes OTLP:
/// <c>service.name</c> from the app name (or a <c>service_name</c> label), the other labels and the
/// spy name as resource attributes, and from/until as the profile's time when the pprof has none.
/// Answers 200 with an empty body; errors are Pyroscope's JSON <c>{"code","message"}</c>, and a push
/// whose profiles are all invalid is 400.
/// </summary>
internal sealed class IngestReceiver(ReceivePipeline pipeline)
{
    /// <summary>Handles one push.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var outcome = await pipeline.RunAsync(
            new ReceiveRequest(ReceiverNames.Ingest, request.Headers.Authorization, RequestBody.FromStream(request.Body, request.ContentLength), null, () => IngestDecoder.FromQuery(request.Query, request.ContentType)),
            http.RequestAborted).ConfigureAwait(false);
        await AnswerAsync(http, outcome).ConfigureAwait(false);
    }

    private static Task AnswerAsync(HttpContext http, ReceiveOutcome outcome)
    {
        switch (outcome)
        {
            case ReceiveOutcome.Accepted { Result: { Accepted: 0, Rejected: > 0 } result }:
                return FailAsync(http, StatusCodes.Status400BadRequest, "invalid_argument", result.Message);
            case ReceiveOutcome.Accepted:
                return Task.CompletedTask;
            case ReceiveOutcome.Unauthenticated:
                return FailAsync(http, StatusCodes.Status401Unauthorized, "unauthenticated", ReceiveOutcome.Unauthenticated.Message);
            case ReceiveOutcome.PayloadTooLarge tooLarge:
                return FailAsync(http, StatusCodes.Status413PayloadTooLarge, "resource_exhausted", tooLarge.Message);
            case ReceiveOutcome.Malformed malformed:
                return FailAsync(http, StatusCodes.Status400BadRequest, "invalid_argument", malformed.Reason);
            case ReceiveOutcome.SpoolFull full:
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return FailAsync(http, StatusCodes.Status429TooManyRequests, "resource_exhausted", full.Message);
            case ReceiveOutcome.StorageFailed failed:
                return FailAsync(http, StatusCodes.Status503ServiceUnavailable, "unavailable", "the bridge could not store the profile: " + failed.Reason);
            default:
                throw new UnreachableException($"/ingest chooses its decoder by query, not media type, so no {outcome.GetType().Name}");
        }
    }

    private static Task FailAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.Body.WriteAsync(ExportResponseEncoder.PyroscopeError(code, message), http.RequestAborted).AsTask();
    }
}
