using System.Net.Http.Headers;
using Ember.Bridge.Sinks.Shared;
using Ember.Otlp;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>
/// Pushes profiles to Grafana Pyroscope (<c>pyroscope:http://pyroscope:4040</c>). By default the
/// batch goes unchanged as OTLP/HTTP to <c>/v1development/profiles</c> (Pyroscope ≥ 1.20 converts and
/// labels it itself). For older servers the profiles become one pprof per resource and profile type,
/// labelled per <see cref="ResourceLabels"/>: with <c>protocol=push</c> all of them in one
/// <c>push.v1.PusherService/Push</c> call (exact labels), with <c>protocol=ingest</c> one legacy
/// <c>/ingest</c> request each (labels folded into the app name).
/// In ingest mode a failure part-way through a batch means the retried batch resends the series
/// that had already arrived (at-least-once, like every retrying sink).
/// </summary>
public sealed class PyroscopeSink : IProfileSink
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private static readonly MediaTypeHeaderValue ConnectProto = new("application/proto");

    /// <summary>Connect unary path of the push RPC.</summary>
    private const string PushPath = "push.v1.PusherService/Push";

    private readonly PyroscopeSinkOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private readonly IOtlpExporter? _otlp;
    private readonly TimeProvider _time;

    /// <summary>Creates the sink; nothing connects before the first delivery.</summary>
    public PyroscopeSink(PyroscopeSinkOptions options, ILogger<PyroscopeSink>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<PyroscopeSink>.Instance;
        _time = time ?? TimeProvider.System;
        _client = new HttpClient(options.Tls.CreateHandler()) { Timeout = options.Timeout };
        if (options.Tenant is { } tenant)
        {
            _headers.Add(new("X-Scope-OrgID", tenant));
        }

        if (options.Authentication is { } authentication)
        {
            _headers.Add(new("Authorization", authentication.HeaderValue));
        }

        if (options.Protocol == PyroscopeProtocol.Otlp)
        {
            var endpoint = new Uri(options.BaseUrl, OtlpHttpExporter.ProfilesPath.TrimStart('/'));
            _otlp = OtlpExporter.Create(new OtlpExportOptions(endpoint, OtlpProtocol.HttpProtobuf, _headers, Gzip: true, options.Timeout) { Handler = options.Tls.CreateHandler() }, _time);
        }
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Creates the sink from its specification (<c>pyroscope:URL</c> plus options).</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid; the exception names it.</exception>
    public static IProfileSink Create(SinkSpecification specification, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var options = PyroscopeSinkOptions.Parse(specification);
        var logger = loggerFactory.CreateLogger<PyroscopeSink>();
        SinkLog.Created(logger, options.Name, "pyroscope", options.BaseUrl, options);
        return new PyroscopeSink(options, logger);
    }

    /// <inheritdoc/>
    public async Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        if (_otlp is not null)
        {
            var result = await _otlp.ExportAsync(profiles, cancellationToken).ConfigureAwait(false);
            SinkFailure.ThrowUnlessAccepted(result, $"sink {Name}: POST {new Uri(_options.BaseUrl, OtlpHttpExporter.ProfilesPath.TrimStart('/'))}");
            SinkFailure.RecordAccepted(_logger, Name, result);
            SinkLog.Delivered(_logger, Name, profiles.ProfileCount, 1);
            return;
        }

        if (_options.Protocol == PyroscopeProtocol.Push)
        {
            await PushAsync(profiles, cancellationToken).ConfigureAwait(false);
            return;
        }

        var series = PprofSeriesBuilder.Build(profiles);
        foreach (var one in series)
        {
            await IngestAsync(one, cancellationToken).ConfigureAwait(false);
        }

        SinkLog.Delivered(_logger, Name, profiles.ProfileCount, series.Count);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _otlp?.Dispose();
        _options.Tls.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task PushAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        var push = PushRequestBuilder.Build(profiles);
        if (push.Series.Count == 0)
        {
            return;
        }

        var url = new Uri(_options.BaseUrl, PushPath);
        using var content = new ByteArrayContent(push.ToByteArray());
        content.Headers.ContentType = ConnectProto;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("Connect-Protocol-Version", "1");
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Connect maps its error codes to HTTP statuses (unavailable 503, resource_exhausted 429,
        // invalid_argument 400...), so the HTTP classification applies as is.
        var answer = await HttpExchange.SendAsync(_client, request, _time, cancellationToken).ConfigureAwait(false);
        SinkFailure.ThrowUnlessAccepted(answer.Result, $"sink {Name}: POST {url}");
        SinkLog.Delivered(_logger, Name, profiles.ProfileCount, 1);
    }

    private async Task IngestAsync(PprofSeries series, CancellationToken cancellationToken)
    {
        IngestRequest.NormalizeCpu(series.Profile);
        var url = new Uri(_options.BaseUrl, IngestRequest.RelativeUrl(series, _time.GetUtcNow()));
        using var content = new ByteArrayContent(PprofCodec.EncodeGzip(series.Profile));
        content.Headers.ContentType = OctetStream;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var answer = await HttpExchange.SendAsync(_client, request, _time, cancellationToken).ConfigureAwait(false);
        SinkFailure.ThrowUnlessAccepted(answer.Result, $"sink {Name}: POST {url.GetLeftPart(UriPartial.Path)}");
    }
}
