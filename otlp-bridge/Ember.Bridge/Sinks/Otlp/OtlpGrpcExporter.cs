using Ember.Bridge.Sinks.Shared;
using Ember.Profiles.Otlp;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ember.Bridge.Sinks.Otlp;

/// <summary>
/// OTLP/gRPC: unary <c>ProfilesService/Export</c> through Grpc.Net.Client, with a marshaller around
/// <see cref="OtlpCodec"/> (one codec for the whole bridge) and gzip as grpc-encoding. h2c for
/// <c>http://</c> endpoints, TLS for <c>https://</c>. Owns its channel.
/// </summary>
public sealed class OtlpGrpcExporter : IDisposable
{
    private static readonly Method<ProfilesData, OtlpPartialSuccess> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(OtlpCodec.Encode, bytes => OtlpCodec.Decode(bytes)),
        Marshallers.Create<OtlpPartialSuccess>(_ => throw new NotSupportedException("the bridge never sends export responses"), OtlpPartialSuccess.Decode));

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata _metadata = [];
    private readonly TimeSpan _timeout;
    private readonly string _what;

    /// <summary>Creates the exporter; the connection opens on the first call.</summary>
    /// <param name="endpoint">The collector's base address.</param>
    /// <param name="handler">HTTP handler carrying the TLS policy; the channel disposes it.</param>
    /// <param name="gzip">Compress requests.</param>
    /// <param name="headers">Extra metadata (authorization...), names lower-cased here.</param>
    /// <param name="timeout">Deadline of each call.</param>
    /// <param name="sinkName">For messages.</param>
    public OtlpGrpcExporter(Uri endpoint, HttpMessageHandler handler, bool gzip, IReadOnlyList<KeyValuePair<string, string>> headers, TimeSpan timeout, string sinkName)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // One attempt per DeliverAsync: the delivery loop retries, counts and honours pushback.
            MaxRetryAttempts = 0,
            MaxSendMessageSize = null,
            ThrowOperationCanceledOnCancellation = true,
        });
        _invoker = _channel.CreateCallInvoker();
        foreach (var (name, value) in headers)
        {
            _metadata.Add(name.ToLowerInvariant(), value);
        }

        if (gzip)
        {
            // Grpc.Net.Client's documented switch for compressing the request message.
            _metadata.Add("grpc-internal-encoding-request", "gzip");
        }

        _timeout = timeout;
        _what = $"sink {sinkName}: Export to {endpoint}";
    }

    /// <summary>Sends the profiles once.</summary>
    /// <returns>The server's partial_success.</returns>
    /// <exception cref="SinkDeliveryException">The call failed; see <see cref="GrpcDelivery"/>.</exception>
    public async Task<OtlpPartialSuccess> ExportAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        try
        {
            using var call = _invoker.AsyncUnaryCall(ExportMethod, null, new CallOptions(_metadata, DateTime.UtcNow + _timeout, cancellationToken), profiles);
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw GrpcDelivery.Failure(ex, _what);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw GrpcDelivery.DeadlineExceeded(ex, _what, _timeout);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();
}
