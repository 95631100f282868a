using System.Globalization;
using Ember.Bridge.Spooling;
using Ember.Profiles;
using Ember.Profiles.Otlp;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Receivers;

/// <summary>
/// OTLP/gRPC <c>opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export</c>.
/// Grpc.AspNetCore does the HTTP/2 framing, grpc-encoding gzip and the size limit
/// (RESOURCE_EXHAUSTED); the message stays bytes until <see cref="OtlpCodec"/> decodes it here, so a
/// malformed one becomes INVALID_ARGUMENT naming the problem (decision 4: no generated types).
/// </summary>
internal sealed partial class OtlpGrpcReceiver(ReceiverContext context, ILogger<OtlpGrpcReceiver> logger)
{
    /// <summary>The unary Export method with pass-through marshallers.</summary>
    public static readonly Method<byte[], byte[]> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    /// <summary>Handles one Export call.</summary>
    public Task<byte[]> ExportAsync(byte[] request, ServerCallContext call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!context.Authenticator.IsAuthorized(call.RequestHeaders.GetValue("authorization")))
        {
            context.Metrics.Rejected(ReceiverNames.OtlpGrpc, "unauthenticated", 1);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or wrong bearer token"));
        }

        ProfilesData data;
        try
        {
            data = OtlpCodec.Decode(request, context.ReadLimits);
        }
        catch (ProfileFormatException ex)
        {
            context.Metrics.Rejected(ReceiverNames.OtlpGrpc, "malformed", 1);
            LogMalformed(logger, ReceiverNames.OtlpGrpc, ex.Message);
            throw new RpcException(new Status(StatusCode.InvalidArgument, "malformed ExportProfilesServiceRequest: " + ex.Message));
        }

        try
        {
            return Task.FromResult(ExportResponseEncoder.Protobuf(context.Intake.Accept(data, ReceiverNames.OtlpGrpc)));
        }
        catch (SpoolFullException ex)
        {
            var trailers = new Metadata { { "grpc-retry-pushback-ms", ((long)ex.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) } };
            throw new RpcException(new Status(StatusCode.ResourceExhausted, ex.Message), trailers);
        }
        catch (IOException ex)
        {
            LogSpoolWriteFailed(logger, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "the bridge could not store the profiles: " + ex.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Receiver}: malformed request refused: {Reason}")]
    internal static partial void LogMalformed(ILogger logger, string receiver, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "writing to a spool failed; the request was refused")]
    internal static partial void LogSpoolWriteFailed(ILogger logger, Exception exception);
}

/// <summary>Registers <see cref="OtlpGrpcReceiver.ExportMethod"/> with Grpc.AspNetCore without generated code.</summary>
internal sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcReceiver>
{
    /// <inheritdoc/>
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcReceiver> context) =>
        context.AddUnaryMethod(OtlpGrpcReceiver.ExportMethod, [], (receiver, request, call) => receiver.ExportAsync(request, call));
}
