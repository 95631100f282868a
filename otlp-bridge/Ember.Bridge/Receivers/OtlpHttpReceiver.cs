using System.Diagnostics;
using System.Globalization;
using Ember.Bridge.Receiving;
using Microsoft.AspNetCore.Http;

namespace Ember.Bridge.Receivers;

/// <summary>
/// OTLP/HTTP <c>POST /v1development/profiles</c>: <c>application/x-protobuf</c> (or
/// <c>application/protobuf</c>) and <c>application/json</c> bodies, optionally
/// <c>Content-Encoding: gzip</c>. Answers 200 with an ExportProfilesServiceResponse in the request's
/// encoding (partial_success when some profiles were invalid); errors carry a google.rpc.Status body:
/// 400 malformed, 401 auth, 413 over a size limit, 415 content type, 429 spool full (Retry-After),
/// 503 spool write failed.
/// </summary>
internal sealed class OtlpHttpReceiver(ReceivePipeline pipeline)
{
    /// <summary>The OTLP/HTTP path for profiles.</summary>
    public const string Path = "/v1development/profiles";

    private const int InvalidArgument = 3;
    private const int ResourceExhausted = 8;
    private const int Unauthenticated = 16;
    private const int Unavailable = 14;

    /// <summary>Handles one request.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var mediaType = (request.ContentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        var json = mediaType == "application/json";
        var outcome = await pipeline.RunAsync(
            new ReceiveRequest(ReceiverNames.OtlpHttp, request.Headers.Authorization, RequestBody.FromStream(request.Body, request.ContentLength), request.Headers.ContentEncoding.ToString(), () => Decoder(mediaType, request.ContentType)),
            http.RequestAborted).ConfigureAwait(false);
        await AnswerAsync(http, outcome, json).ConfigureAwait(false);
    }

    private static OtlpPayloadDecoder Decoder(string mediaType, string? contentType) => mediaType switch
    {
        "application/json" => OtlpPayloadDecoder.Json,
        "application/x-protobuf" or "application/protobuf" => OtlpPayloadDecoder.Protobuf,
        _ => throw new UnsupportedMediaTypeException($"Content-Type '{contentType}' is not application/x-protobuf or application/json"),
    };

    private static Task AnswerAsync(HttpContext http, ReceiveOutcome outcome, bool json)
    {
        switch (outcome)
        {
            case ReceiveOutcome.Accepted accepted:
                http.Response.ContentType = ContentType(json);
                return WriteAsync(http, json ? ExportResponseEncoder.Json(accepted.Result) : ExportResponseEncoder.Protobuf(accepted.Result));
            case ReceiveOutcome.Unauthenticated:
                return FailAsync(http, StatusCodes.Status401Unauthorized, Unauthenticated, ReceiveOutcome.Unauthenticated.Message, json);
            case ReceiveOutcome.UnsupportedMediaType unsupported:
                return FailAsync(http, StatusCodes.Status415UnsupportedMediaType, InvalidArgument, unsupported.Message, json);
            case ReceiveOutcome.PayloadTooLarge tooLarge:
                return FailAsync(http, StatusCodes.Status413PayloadTooLarge, ResourceExhausted, tooLarge.Message, json);
            case ReceiveOutcome.Malformed malformed:
                return FailAsync(http, StatusCodes.Status400BadRequest, InvalidArgument, "malformed ExportProfilesServiceRequest: " + malformed.Reason, json);
            case ReceiveOutcome.SpoolFull full:
                http.Response.Headers.RetryAfter = ((long)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return FailAsync(http, StatusCodes.Status429TooManyRequests, ResourceExhausted, full.Message, json);
            case ReceiveOutcome.StorageFailed failed:
                return FailAsync(http, StatusCodes.Status503ServiceUnavailable, Unavailable, "the bridge could not store the profiles: " + failed.Reason, json);
            default:
                throw new UnreachableException($"no answer for {outcome.GetType().Name}");
        }
    }

    private static Task FailAsync(HttpContext http, int status, int grpcCode, string message, bool json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType(json);
        return WriteAsync(http, json ? ExportResponseEncoder.StatusJson(grpcCode, message) : ExportResponseEncoder.StatusProtobuf(grpcCode, message));
    }

    private static string ContentType(bool json) => json ? "application/json" : "application/x-protobuf";

    private static Task WriteAsync(HttpContext http, byte[] body) => http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
}
