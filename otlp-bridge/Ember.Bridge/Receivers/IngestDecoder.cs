using System.Globalization;
using System.Text.Json;
using Ember.Bridge.Receiving;
using Ember.Profiles;
using Ember.Profiles.Compression;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Ember.Bridge.Receivers;

/// <summary>
/// A Pyroscope push as OTLP: the query (<c>name</c>, <c>format</c>, <c>from</c>/<c>until</c>,
/// <c>spyName</c>, <c>sampleRate</c>) is checked when the decoder is chosen, before the body is read;
/// the body is a pprof (raw or gzip, recognised by its magic) or <c>multipart/form-data</c> with a
/// <c>profile</c> part and an optional <c>sample_type_config</c> JSON part.
/// </summary>
internal sealed class IngestDecoder : IPayloadDecoder
{
    private readonly IngestName _name;
    private readonly MediaTypeHeaderValue? _multipart;
    private readonly ulong? _from;
    private readonly ulong? _until;
    private readonly string _spyName;

    private IngestDecoder(IngestName name, MediaTypeHeaderValue? multipart, ulong? from, ulong? until, string spyName)
    {
        _name = name;
        _multipart = multipart;
        _from = from;
        _until = until;
        _spyName = spyName;
    }

    /// <summary>The decoder for a push with this query and Content-Type.</summary>
    /// <exception cref="ProfileFormatException">A missing or malformed parameter, or a format other than pprof.</exception>
    public static IngestDecoder FromQuery(IQueryCollection query, string? contentType)
    {
        ArgumentNullException.ThrowIfNull(query);
        var name = IngestName.Parse(query["name"].ToString() is { Length: > 0 } text ? text : throw new ProfileFormatException("query parameter 'name' (APP{label=value,...}) is required"));
        var format = query["format"].ToString();
        var multipart = MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && parsed.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (format.Length > 0 && format != "pprof" || format.Length == 0 && !multipart)
        {
            throw new ProfileFormatException($"format '{(format.Length == 0 ? "groups" : format)}' is not supported by ember-bridge; push pprof (format=pprof, or multipart with a 'profile' part)");
        }

        CheckNumber(query, "sampleRate");
        return new IngestDecoder(name, multipart ? parsed : null, Time(query, "from"), Time(query, "until"), query["spyName"].ToString());
    }

    /// <inheritdoc/>
    public async ValueTask<ProfilesData> DecodeAsync(byte[] payload, ReceiveLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var pprof = _multipart is null ? payload : await ProfilePartAsync(payload, _multipart, cancellationToken).ConfigureAwait(false);
        var raw = PayloadDecoder.IsGzip(pprof) ? GzipPayload.Decompress(pprof, limits.MaxDecompressedBytes) : pprof;
        if (raw.Length > limits.MaxDecompressedBytes)
        {
            throw new PayloadTooLargeException($"profile is {raw.Length} bytes, over the limit of {limits.MaxDecompressedBytes} bytes");
        }

        var options = new PprofToOtlpOptions { ScopeName = "pyroscope-ingest" };
        options.ResourceAttributes.Add(new KeyValue(SemanticConventions.ServiceName, AnyValue.String(_name.ServiceName)));
        foreach (var (key, value) in _name.Labels.Where(l => l.Key != "service_name" && !l.Key.StartsWith("__", StringComparison.Ordinal)))
        {
            options.ResourceAttributes.Add(new KeyValue(key, AnyValue.String(value)));
        }

        if (_spyName.Length > 0)
        {
            options.ResourceAttributes.Add(new KeyValue("pyroscope.spy_name", AnyValue.String(_spyName)));
        }

        var data = PprofToOtlp.Convert(PprofCodec.Decode(raw, limits.ReadLimits), options);
        foreach (var profile in data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).Where(p => p.TimeUnixNano == 0 && _from is not null))
        {
            profile.TimeUnixNano = _from!.Value;
            profile.DurationNano = _until > _from ? _until.Value - _from.Value : 0;
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

    /// <summary>Refuses a parameter that is present but not a non-negative number; Pyroscope's value is not needed for pprof.</summary>
    private static void CheckNumber(IQueryCollection query, string key)
    {
        if (query[key].ToString() is { Length: > 0 } text
            && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0))
        {
            throw new ProfileFormatException($"query parameter {key}='{text}' is not a number");
        }
    }

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
}
