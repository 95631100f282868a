using System.Globalization;
using System.Text.Json;
using Ember.Bridge.Spooling;
using Ember.Profiles;
using Ember.Profiles.Compression;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Ember.Bridge.Receivers;

/// <summary>
/// Pyroscope-compatible <c>POST /ingest</c> (and <c>/pyroscope/ingest</c>) for pprof pushes from
/// Pyroscope SDKs: the body is a pprof (raw or gzip), or <c>multipart/form-data</c> with a
/// <c>profile</c> part and an optional <c>sample_type_config</c> JSON part. The query carries
/// <c>name=APP{k=v,...}</c> (required), <c>from</c>/<c>until</c> (unix s/ms/µs/ns), <c>spyName</c>,
/// <c>sampleRate</c>, <c>units</c>, <c>aggregationType</c> and <c>format</c> (only <c>pprof</c> is
/// accepted here). The pprof becomes OTLP: <c>service.name</c> from the app name (or a
/// <c>service_name</c> label), the other labels and the spy name as resource attributes, and
/// from/until as the profile's time when the pprof has none. Errors are Pyroscope's JSON
/// <c>{"code","message"}</c>.
/// </summary>
internal sealed class IngestReceiver(ReceiverContext context, ILogger<IngestReceiver> logger)
{
    /// <summary>Handles one push.</summary>
    public async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!context.Authenticator.IsAuthorized(http.Request.Headers.Authorization))
        {
            context.Metrics.Rejected(ReceiverNames.Ingest, "unauthenticated", 1);
            await FailAsync(http, StatusCodes.Status401Unauthorized, "unauthenticated", "missing or wrong bearer token").ConfigureAwait(false);
            return;
        }

        ProfilesData data;
        try
        {
            data = await DecodeAsync(http).ConfigureAwait(false);
        }
        catch (PayloadTooLargeException ex)
        {
            context.Metrics.Rejected(ReceiverNames.Ingest, "too_large", 1);
            await FailAsync(http, StatusCodes.Status413PayloadTooLarge, "resource_exhausted", ex.Message).ConfigureAwait(false);
            return;
        }
        catch (ProfileFormatException ex)
        {
            context.Metrics.Rejected(ReceiverNames.Ingest, "malformed", 1);
            OtlpGrpcReceiver.LogMalformed(logger, ReceiverNames.Ingest, ex.Message);
            await FailAsync(http, StatusCodes.Status400BadRequest, "invalid_argument", ex.Message).ConfigureAwait(false);
            return;
        }

        try
        {
            var result = context.Intake.Accept(data, ReceiverNames.Ingest);
            if (result.Accepted == 0 && result.Rejected > 0)
            {
                await FailAsync(http, StatusCodes.Status400BadRequest, "invalid_argument", result.Message).ConfigureAwait(false);
            }
        }
        catch (SpoolFullException ex)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await FailAsync(http, StatusCodes.Status429TooManyRequests, "resource_exhausted", ex.Message).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            OtlpGrpcReceiver.LogSpoolWriteFailed(logger, ex);
            await FailAsync(http, StatusCodes.Status503ServiceUnavailable, "unavailable", "the bridge could not store the profile: " + ex.Message).ConfigureAwait(false);
        }
    }

    private async Task<ProfilesData> DecodeAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var name = IngestName.Parse(query["name"].ToString() is { Length: > 0 } text ? text : throw new ProfileFormatException("query parameter 'name' (APP{label=value,...}) is required"));
        var format = query["format"].ToString();
        var multipart = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
            && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (format.Length > 0 && format != "pprof" || format.Length == 0 && !multipart)
        {
            throw new ProfileFormatException($"format '{(format.Length == 0 ? "groups" : format)}' is not supported by ember-bridge; push pprof (format=pprof, or multipart with a 'profile' part)");
        }

        _ = Number(query, "sampleRate");
        var from = Time(query, "from");
        var until = Time(query, "until");
        var body = await RequestPayload.ReadBodyAsync(http.Request, context.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
        var pprof = multipart ? await ProfilePartAsync(body, contentType!, http.RequestAborted).ConfigureAwait(false) : body;
        var raw = PayloadDecoder.IsGzip(pprof) ? RequestPayload.Gunzip(pprof, context.MaxDecompressedBytes) : pprof;
        if (raw.Length > context.MaxDecompressedBytes)
        {
            throw new PayloadTooLargeException($"profile is {raw.Length} bytes, over the limit of {context.MaxDecompressedBytes} bytes");
        }

        var options = new PprofToOtlpOptions { ScopeName = "pyroscope-ingest" };
        options.ResourceAttributes.Add(new KeyValue("service.name", AnyValue.String(name.ServiceName)));
        foreach (var (key, value) in name.Labels.Where(l => l.Key != "service_name" && !l.Key.StartsWith("__", StringComparison.Ordinal)))
        {
            options.ResourceAttributes.Add(new KeyValue(key, AnyValue.String(value)));
        }

        if (query["spyName"].ToString() is { Length: > 0 } spy)
        {
            options.ResourceAttributes.Add(new KeyValue("pyroscope.spy_name", AnyValue.String(spy)));
        }

        var data = PprofToOtlp.Convert(PprofCodec.Decode(raw, context.ReadLimits), options);
        foreach (var profile in data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).Where(p => p.TimeUnixNano == 0 && from is not null))
        {
            profile.TimeUnixNano = from!.Value;
            profile.DurationNano = until > from ? until.Value - from.Value : 0;
        }

        return data;
    }

    /// <summary>The <c>profile</c> part of a multipart body; checks <c>sample_type_config</c> is JSON.</summary>
    private static async Task<byte[]> ProfilePartAsync(byte[] body, MediaTypeHeaderValue contentType, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new ProfileFormatException("multipart/form-data body without a boundary");
        }

        byte[]? profile = null;
        try
        {
            var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                var partName = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ? HeaderUtilities.RemoveQuotes(disposition.Name).Value : null;
                using var part = new MemoryStream();
                await section.Body.CopyToAsync(part, cancellationToken).ConfigureAwait(false);
                if (partName == "profile")
                {
                    profile = part.ToArray();
                }
                else if (partName == "sample_type_config")
                {
                    CheckSampleTypeConfig(part.ToArray());
                }
            }
        }
        catch (IOException ex)
        {
            throw new ProfileFormatException($"malformed multipart body: {ex.Message}", ex);
        }

        return profile ?? throw new ProfileFormatException("multipart body has no 'profile' part");
    }

    private static void CheckSampleTypeConfig(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ProfileFormatException("sample_type_config must be a JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new ProfileFormatException($"sample_type_config is not valid JSON: {ex.Message}", ex);
        }
    }

    private static double? Number(IQueryCollection query, string key) =>
        query[key].ToString() is { Length: > 0 } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : throw new ProfileFormatException($"query parameter {key}='{text}' is not a number")
            : null;

    /// <summary>A unix time in seconds, milliseconds, microseconds or nanoseconds (told apart by magnitude), as nanoseconds.</summary>
    private static ulong? Time(IQueryCollection query, string key)
    {
        if (query[key].ToString() is not { Length: > 0 } text)
        {
            return null;
        }

        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new ProfileFormatException($"query parameter {key}='{text}' is not a unix time");
        }

        return value switch
        {
            < 100_000_000_000UL => value * 1_000_000_000UL,
            < 100_000_000_000_000UL => value * 1_000_000UL,
            < 100_000_000_000_000_000UL => value * 1_000UL,
            _ => value,
        };
    }

    private static Task FailAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.Body.WriteAsync(ExportResponseEncoder.PyroscopeError(code, message), http.RequestAborted).AsTask();
    }
}
