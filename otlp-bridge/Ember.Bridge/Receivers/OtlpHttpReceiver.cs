using Ember.Bridge.Spooling;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Receivers;

/// <summary>
/// OTLP/HTTP <c>POST /v1development/profiles</c>: <c>application/x-protobuf</c> (or
/// <c>application/protobuf</c>) and <c>application/json</c> bodies, optionally
/// <c>Content-Encoding: gzip</c>. Answers 200 with an ExportProfilesServiceResponse in the request's
/// encoding (partial_success when some profiles were invalid); errors carry a google.rpc.Status body:
/// 400 malformed, 401 auth, 413 over a size limit, 415 content type, 429 spool full (Retry-After).
/// </summary>
internal sealed class OtlpHttpReceiver(ReceiverContext context, ILogger<OtlpHttpReceiver> logger)
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
        var mediaType = (http.Request.ContentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        var json = mediaType == "application/json";
        if (!context.Authenticator.IsAuthorized(http.Request.Headers.Authorization))
        {
            context.Metrics.Rejected(ReceiverNames.OtlpHttp, "unauthenticated", 1);
            await FailAsync(http, StatusCodes.Status401Unauthorized, Unauthenticated, "missing or wrong bearer token", json).ConfigureAwait(false);
            return;
        }

        if (!json && mediaType is not ("application/x-protobuf" or "application/protobuf"))
        {
            context.Metrics.Rejected(ReceiverNames.OtlpHttp, "unsupported_media_type", 1);
            await FailAsync(http, StatusCodes.Status415UnsupportedMediaType, InvalidArgument, $"Content-Type '{http.Request.ContentType}' is not application/x-protobuf or application/json", json).ConfigureAwait(false);
            return;
        }

        ProfilesData data;
        try
        {
            var body = await RequestPayload.ReadBodyAsync(http.Request, context.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var encoding = http.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
            if (encoding is not ("" or "identity" or "gzip"))
            {
                throw new ProfileFormatException($"Content-Encoding '{encoding}' is not supported; use gzip or none");
            }

            var payload = encoding == "gzip" ? RequestPayload.Gunzip(body, context.MaxDecompressedBytes) : body;
            if (payload.Length > context.MaxDecompressedBytes)
            {
                throw new PayloadTooLargeException($"request body is {payload.Length} bytes, over the limit of {context.MaxDecompressedBytes} bytes");
            }

            data = json ? OtlpJsonCodec.Decode(payload, context.ReadLimits) : OtlpCodec.Decode(payload, context.ReadLimits);
        }
        catch (PayloadTooLargeException ex)
        {
            context.Metrics.Rejected(ReceiverNames.OtlpHttp, "too_large", 1);
            await FailAsync(http, StatusCodes.Status413PayloadTooLarge, ResourceExhausted, ex.Message, json).ConfigureAwait(false);
            return;
        }
        catch (ProfileFormatException ex)
        {
            context.Metrics.Rejected(ReceiverNames.OtlpHttp, "malformed", 1);
            OtlpGrpcReceiver.LogMalformed(logger, ReceiverNames.OtlpHttp, ex.Message);
            await FailAsync(http, StatusCodes.Status400BadRequest, InvalidArgument, "malformed ExportProfilesServiceRequest: " + ex.Message, json).ConfigureAwait(false);
            return;
        }

        try
        {
            var result = context.Intake.Accept(data, ReceiverNames.OtlpHttp);
            http.Response.ContentType = json ? "application/json" : "application/x-protobuf";
            await http.Response.Body.WriteAsync(json ? ExportResponseEncoder.Json(result) : ExportResponseEncoder.Protobuf(result), http.RequestAborted).ConfigureAwait(false);
        }
        catch (SpoolFullException ex)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await FailAsync(http, StatusCodes.Status429TooManyRequests, ResourceExhausted, ex.Message, json).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            OtlpGrpcReceiver.LogSpoolWriteFailed(logger, ex);
            await FailAsync(http, StatusCodes.Status503ServiceUnavailable, Unavailable, "the bridge could not store the profiles: " + ex.Message, json).ConfigureAwait(false);
        }
    }

    private static Task FailAsync(HttpContext http, int status, int grpcCode, string message, bool json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = json ? "application/json" : "application/x-protobuf";
        var body = json ? ExportResponseEncoder.StatusJson(grpcCode, message) : ExportResponseEncoder.StatusProtobuf(grpcCode, message);
        return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
    }
}
