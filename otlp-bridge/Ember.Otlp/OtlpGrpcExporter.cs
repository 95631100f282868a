using Ember.Profiles;
using Ember.Profiles.Otlp;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ember.Otlp;

/// <summary>
/// OTLP/gRPC: unary <c>ProfilesService/Export</c> through Grpc.Net.Client with a marshaller around
/// <see cref="OtlpCodec"/> (decision 4: no Google.Protobuf), gzip as grpc-encoding; h2c for
/// <c>http://</c> endpoints, TLS for <c>https://</c>. Owns its channel and handler.
/// </summary>
public sealed class OtlpGrpcExporter : IOtlpExporter
{
    private static readonly Method<ProfilesData, DecodedResponse> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(OtlpCodec.Encode, bytes => OtlpCodec.Decode(bytes)),
        Marshallers.Create<DecodedResponse>(_ => throw new NotSupportedException("exporters never send export responses"), DecodedResponse.Read));

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly Metadata _metadata = [];
    private readonly TimeSpan _timeout;

    /// <summary>Creates the exporter; the connection opens on the first call.</summary>
    public OtlpGrpcExporter(OtlpExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeout = options.Timeout;
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = options.Handler,
            DisposeHttpClient = true,
            // One attempt per call: the caller retries, counts and honours pushback itself.
            MaxRetryAttempts = 0,
            MaxSendMessageSize = null,
            ThrowOperationCanceledOnCancellation = true,
        });
        _invoker = _channel.CreateCallInvoker();
        foreach (var (name, value) in options.Headers)
        {
            _metadata.Add(name.ToLowerInvariant(), value);
        }

        if (options.Gzip)
        {
            // Grpc.Net.Client's documented switch for compressing the request message.
            _metadata.Add("grpc-internal-encoding-request", "gzip");
        }
    }

    /// <inheritdoc/>
    public async Task<ExportResult> ExportAsync(ProfilesData data, CancellationToken cancellation)
    {
        try
        {
            using var call = _invoker.AsyncUnaryCall(ExportMethod, null, new CallOptions(_metadata, DateTime.UtcNow + _timeout, cancellation), data);
            var response = await call.ResponseAsync.ConfigureAwait(false);
            return response.Error is { } error ? ExportResult.AcceptedUnreadable(error) : ExportResult.Accepted(response.PartialSuccess);
        }
        catch (RpcException ex)
        {
            return RetryClassification.FromGrpc(ex);
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            return RetryClassification.FromGrpcDeadline(ex, _timeout);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    /// <summary>
    /// The response as read: a deserializer that threw would turn an OK call into INTERNAL, and the
    /// server did accept the data, so a body we cannot read is carried to the result instead.
    /// </summary>
    private sealed record DecodedResponse(ExportPartialSuccess PartialSuccess, ProfileFormatException? Error)
    {
        public static DecodedResponse Read(byte[] bytes)
        {
            try
            {
                return new(ExportResponseCodec.Decode(bytes, json: false), null);
            }
            catch (ProfileFormatException ex)
            {
                return new(ExportPartialSuccess.None, ex);
            }
        }
    }
}
