using System.Diagnostics;
using System.Globalization;
using Ember.Bridge.Receiving;
using Ember.Profiles.Otlp;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Ember.Bridge.Receivers;

/// <summary>
/// OTLP/gRPC <c>opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export</c>.
/// Grpc.AspNetCore does the HTTP/2 framing, grpc-encoding gzip and the size limit
/// (RESOURCE_EXHAUSTED); the message stays bytes until <see cref="OtlpCodec"/> decodes it in the
/// <see cref="ReceivePipeline"/>, so a malformed one becomes INVALID_ARGUMENT naming the problem
/// (decision 4: no generated types). Refusals are RpcExceptions with the gRPC status; a full spool
/// adds <c>grpc-retry-pushback-ms</c>.
/// </summary>
internal sealed class OtlpGrpcReceiver(ReceivePipeline pipeline)
{
    /// <summary>The unary Export method with pass-through marshallers.</summary>
    public static readonly Method<byte[], byte[]> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    /// <summary>Handles one Export call.</summary>
    /// <exception cref="RpcException">Any refusal, with its gRPC status.</exception>
    public async Task<byte[]> ExportAsync(byte[] request, ServerCallContext call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var outcome = await pipeline.RunAsync(
            new ReceiveRequest(ReceiverNames.OtlpGrpc, call.RequestHeaders.GetValue("authorization"), RequestBody.FromBytes(request), null, () => OtlpPayloadDecoder.Protobuf),
            call.CancellationToken).ConfigureAwait(false);
        return Answer(outcome);
    }

    private static byte[] Answer(ReceiveOutcome outcome) => outcome switch
    {
        ReceiveOutcome.Accepted accepted => ExportResponseEncoder.Protobuf(accepted.Result),
        ReceiveOutcome.Unauthenticated => throw new RpcException(new Status(StatusCode.Unauthenticated, ReceiveOutcome.Unauthenticated.Message)),
        ReceiveOutcome.Malformed malformed => throw new RpcException(new Status(StatusCode.InvalidArgument, "malformed ExportProfilesServiceRequest: " + malformed.Reason)),
        ReceiveOutcome.PayloadTooLarge tooLarge => throw new RpcException(new Status(StatusCode.ResourceExhausted, tooLarge.Message)),
        ReceiveOutcome.SpoolFull full => throw new RpcException(
            new Status(StatusCode.ResourceExhausted, full.Message),
            new Metadata { { "grpc-retry-pushback-ms", ((long)full.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) } }),
        ReceiveOutcome.StorageFailed failed => throw new RpcException(new Status(StatusCode.Unavailable, "the bridge could not store the profiles: " + failed.Reason)),
        _ => throw new UnreachableException($"gRPC has one decoder and no media types, so no {outcome.GetType().Name}"),
    };
}

/// <summary>Registers <see cref="OtlpGrpcReceiver.ExportMethod"/> with Grpc.AspNetCore without generated code.</summary>
internal sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcReceiver>
{
    /// <inheritdoc/>
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context) =>
        context.AddUnaryMethod(OtlpGrpcReceiver.ExportMethod, [], (receiver, request, call) => receiver.ExportAsync(request, call));
}
