using System.Net.Http.Headers;
using Ember.Profiles;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;

namespace Ember.Otlp;

/// <summary>
/// OTLP/HTTP: one <c>POST</c> of <c>ExportProfilesServiceRequest</c> (protobuf, optionally gzip) to
/// the profiles URL; the answer may be protobuf or OTLP/JSON. Owns its client and handler; safe to
/// call concurrently.
/// </summary>
public sealed class OtlpHttpExporter : IOtlpExporter
{
    /// <summary>The OTLP/HTTP path of the profiles signal.</summary>
    public const string ProfilesPath = "/v1development/profiles";

    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly OtlpExportOptions _options;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the exporter.</summary>
    /// <param name="options">The endpoint is the full URL to POST to.</param>
    /// <param name="time">The clock for Retry-After HTTP-dates.</param>
    public OtlpHttpExporter(OtlpExportOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        var handler = options.Handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = options.Timeout };
    }

    /// <inheritdoc/>
    public async Task<ExportResult> ExportAsync(ProfilesData data, CancellationToken cancellation)
    {
        var body = OtlpCodec.Encode(data);
        using var content = new ByteArrayContent(_options.Gzip ? PayloadEncoder.Gzip(body) : body);
        content.Headers.ContentType = Protobuf;
        if (_options.Gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = content };
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var answer = await HttpExchange.SendAsync(_client, request, _time, cancellation).ConfigureAwait(false);
        if (answer.Result.Outcome != ExportOutcome.Accepted || answer.Result.ResponseUnreadable)
        {
            return answer.Result;
        }

        try
        {
            return ExportResult.Accepted(ExportResponseCodec.Decode(answer.Body, ExportResponseCodec.IsJson(answer.MediaType)));
        }
        catch (ProfileFormatException ex)
        {
            return ExportResult.AcceptedUnreadable(ex);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
