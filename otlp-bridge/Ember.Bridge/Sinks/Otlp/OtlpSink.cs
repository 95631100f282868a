using Ember.Bridge.Sinks.Shared;
using Ember.Otlp;
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
    private readonly IOtlpExporter _exporter;
    private readonly string _what;

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

        _exporter = OtlpExporter.Create(new OtlpExportOptions(options.Endpoint, options.Protocol, headers, options.Gzip, options.Timeout) { Handler = _tls.CreateHandler() });
        _what = options.Protocol == OtlpProtocol.Grpc ? $"sink {options.Name}: Export to {options.Endpoint}" : $"sink {options.Name}: POST {options.Endpoint}";
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
        var result = await _exporter.ExportAsync(profiles, cancellationToken).ConfigureAwait(false);
        SinkFailure.ThrowUnlessAccepted(result, _what);
        SinkFailure.RecordAccepted(_logger, Name, result);
        SinkLog.Delivered(_logger, Name, profiles.ProfileCount, 1);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _exporter.Dispose();
        _tls.Dispose();
        return ValueTask.CompletedTask;
    }
}
