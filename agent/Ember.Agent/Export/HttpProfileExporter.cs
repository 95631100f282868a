using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Ember.Profiles.Otlp;

namespace Ember.Agent.Export;

/// <summary>OTLP/HTTP: <c>POST</c> of the protobuf request (optionally gzip) to the profiles URL.</summary>
public sealed class HttpProfileExporter : IProfileExporter
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly OtlpExportOptions _options;
    private readonly HttpClient _client;

    /// <summary>Creates the exporter.</summary>
    public HttpProfileExporter(OtlpExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Timeout };
    }

    /// <inheritdoc/>
    public async Task<ExportAttemptResult> SendAsync(ProfilesData data, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = Body(data) };
        foreach (var (key, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, cancellation).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var reason = "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
                return ExportAttemptResult.Accepted(body.Length == 0 ? ExportResponse.Empty : ExportResponse.Decode(body));
            }

            return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                ? ExportAttemptResult.Retryable(reason, RetryAfter(response.Headers.RetryAfter))
                : ExportAttemptResult.Failed(reason);
        }
        catch (HttpRequestException ex)
        {
            return ExportAttemptResult.Retryable("connection: " + ex.Message);
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return ExportAttemptResult.Retryable("timeout");
        }
        catch (FormatException ex)
        {
            return ExportAttemptResult.Failed("unreadable response: " + ex.Message);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private ByteArrayContent Body(ProfilesData data)
    {
        var encoded = OtlpCodec.Encode(data);
        if (_options.Gzip)
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
            {
                gzip.Write(encoded);
            }

            encoded = compressed.ToArray();
        }

        var content = new ByteArrayContent(encoded);
        content.Headers.ContentType = Protobuf;
        if (_options.Gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        return content;
    }

    /// <summary>Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3).</summary>
    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
