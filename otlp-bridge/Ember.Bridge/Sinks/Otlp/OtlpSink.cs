using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// Forwards profiles unchanged to another OTLP profiles receiver (a Collector, another bridge):
/// <c>otlp:http://collector:4317</c> over gRPC, or OTLP/HTTP with <c>protocol=http/protobuf</c>.
/// Profiles the receiver rejects through <c>partial_success</c> are logged and counted
/// (<see cref="SinkMetrics"/>) and not retried: resending the same request would be rejected again.
/// </summary>
public sealed class OtlpSink : IProfileSink
{
    private readonly OtlpSinkOptions _options;
    private readonly ILogger _logger;
    private readonly SinkTls _tls;
    private readonly OtlpGrpcExporter? _grpc;
    private readonly HttpClient? _httpClient;
    private readonly OtlpHttpExporter? _http;

    /// <summary>Creates the sink; nothing connects before the first delivery.</summary>
    public OtlpSink(OtlpSinkOptions options, ILogger<OtlpSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<OtlpSink>.Instance;
        _tls = options.Tls;
        var headers = new List<KeyValuePair<string, string>>(options.Headers);
        if (options.Authentication is { } authentication)
        {
            headers.Add(new("Authorization", authentication.HeaderValue));
        }

        if (options.Protocol == OtlpProtocol.Grpc)
        {
            _grpc = new OtlpGrpcExporter(options.Endpoint, _tls.CreateHandler(), options.Gzip, headers, options.Timeout, options.Name);
        }
        else
        {
            _httpClient = new HttpClient(_tls.CreateHandler()) { Timeout = options.Timeout };
            _http = new OtlpHttpExporter(_httpClient, options.Endpoint, options.Gzip, headers, options.Name);
        }
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Creates the sink from its specification (<c>otlp:URL</c> plus options).</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid; the exception names it.</exception>
    public static IProfileSink Create(SinkSpecification specification, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var options = OtlpSinkOptions.Parse(specification);
        var logger = loggerFactory.CreateLogger<OtlpSink>();
        SinkLog.Created(logger, options.Name, "otlp", options.Endpoint, options);
        return new OtlpSink(options, logger);
    }

    /// <inheritdoc/>
    public async Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var result = _grpc is not null
            ? await _grpc.ExportAsync(profiles, cancellationToken).ConfigureAwait(false)
            : await _http!.ExportAsync(profiles, cancellationToken).ConfigureAwait(false);
        SinkMetrics.RecordPartialSuccess(_logger, Name, result.RejectedProfiles, result.ErrorMessage);
        SinkLog.Delivered(_logger, Name, profiles.ProfileCount, 1);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _grpc?.Dispose();
        _httpClient?.Dispose();
        _tls.Dispose();
        return ValueTask.CompletedTask;
    }
}
