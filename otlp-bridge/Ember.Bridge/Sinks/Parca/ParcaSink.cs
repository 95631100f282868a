using Ember.Bridge.Protos.Parca;
using Ember.Bridge.Sinks.Shared;
using Ember.Otlp;
using Ember.Profiles.Otlp;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Bridge.Sinks.Parca;

/// <summary>
/// Writes profiles to Parca (<c>parca:parca:7070</c>) with one
/// <c>parca.profilestore.v1alpha1.ProfileStoreService/WriteRaw</c> call per batch, over TLS or, with
/// <c>insecure=true</c>, plaintext HTTP/2. Parca validates the whole request, so a batch is accepted
/// or refused as a unit.
/// </summary>
public sealed class ParcaSink : IProfileSink
{
    private readonly ParcaSinkOptions _options;
    private readonly ILogger _logger;
    private readonly GrpcChannel _channel;
    private readonly ProfileStoreService.ProfileStoreServiceClient _client;
    private readonly Metadata _metadata = [];
    private readonly string _what;

    /// <summary>Creates the sink; nothing connects before the first delivery.</summary>
    public ParcaSink(ParcaSinkOptions options, ILogger<ParcaSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger<ParcaSink>.Instance;
        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = options.Tls.CreateHandler(),
            DisposeHttpClient = true,
            // One attempt per DeliverAsync: the delivery loop retries, counts and honours pushback.
            MaxRetryAttempts = 0,
            // Parca accepts messages up to 64 MiB (servers.md §2); leave the send side unbounded and let it say so.
            MaxSendMessageSize = null,
            ThrowOperationCanceledOnCancellation = true,
        });
        _client = new ProfileStoreService.ProfileStoreServiceClient(_channel);
        if (options.Authentication is { } authentication)
        {
            _metadata.Add("authorization", authentication.HeaderValue);
        }

        _what = $"sink {options.Name}: WriteRaw to {options.Address.Authority}";
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Creates the sink from its specification (<c>parca:host:port</c> plus options).</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid; the exception names it.</exception>
    public static IProfileSink Create(SinkSpecification specification, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var options = ParcaSinkOptions.Parse(specification);
        var logger = loggerFactory.CreateLogger<ParcaSink>();
        SinkLog.Created(logger, options.Name, "parca", options.Address, options);
        return new ParcaSink(options, logger);
    }

    /// <inheritdoc/>
    public async Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var request = WriteRawRequestBuilder.Build(profiles);
        if (request.Series.Count == 0)
        {
            return;
        }

        ExportResult result;
        try
        {
            using var call = _client.WriteRawAsync(request, new CallOptions(_metadata, DateTime.UtcNow + _options.Timeout, cancellationToken));
            await call.ResponseAsync.ConfigureAwait(false);
            result = ExportResult.Accepted(ExportPartialSuccess.None);
        }
        catch (RpcException ex)
        {
            result = RetryClassification.FromGrpc(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            result = RetryClassification.FromGrpcDeadline(ex, _options.Timeout);
        }

        SinkFailure.ThrowUnlessAccepted(result, _what);

        SinkLog.Delivered(_logger, Name, profiles.ProfileCount, 1);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _options.Tls.Dispose();
        return ValueTask.CompletedTask;
    }
}
