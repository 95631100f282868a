using System.Net.Http.Headers;
using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Google.Protobuf;

namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// OTLP/HTTP: one <c>POST</c> of <c>ExportProfilesServiceRequest</c> (protobuf, optionally gzip) to
/// the profiles URL, as used by the OTLP sink's <c>http/protobuf</c> protocol and by the Pyroscope
/// sink (Pyroscope ≥ 1.20 serves <c>/v1development/profiles</c>). Not thread-safe to configure,
/// safe to call concurrently; owns nothing (the caller owns the client).
/// </summary>
public sealed class OtlpHttpExporter
{
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");

    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly bool _gzip;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly string _what;

    /// <summary>Creates the exporter.</summary>
    /// <param name="client">The client (its timeout bounds each attempt).</param>
    /// <param name="endpoint">Full profiles URL.</param>
    /// <param name="gzip">Compress bodies.</param>
    /// <param name="headers">Extra headers (tenant, authorization...), sent as given.</param>
    /// <param name="sinkName">For messages.</param>
    public OtlpHttpExporter(HttpClient client, Uri endpoint, bool gzip, IReadOnlyList<KeyValuePair<string, string>> headers, string sinkName)
    {
        _client = client;
        _endpoint = endpoint;
        _gzip = gzip;
        _headers = headers;
        _what = $"sink {sinkName}: POST {endpoint}";
    }

    /// <summary>Sends the profiles once.</summary>
    /// <returns>The server's partial_success (<see cref="OtlpPartialSuccess.None"/> when it sent none or an unreadable one).</returns>
    /// <exception cref="SinkDeliveryException">The request failed; see <see cref="HttpDelivery"/>.</exception>
    public async Task<OtlpPartialSuccess> ExportAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        var body = OtlpCodec.Encode(profiles);
        using var content = new ByteArrayContent(_gzip ? PayloadEncoder.Gzip(body) : body);
        content.Headers.ContentType = Protobuf;
        if (_gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await HttpDelivery.SendAsync(_client, request, _what, cancellationToken).ConfigureAwait(false);
        try
        {
            return response.Length == 0 ? OtlpPartialSuccess.None : OtlpPartialSuccess.Decode(response);
        }
        catch (InvalidProtocolBufferException)
        {
            // The 2xx status is the acceptance; a body we cannot read only loses the partial-success detail.
            return OtlpPartialSuccess.None;
        }
    }
}
