using System.Globalization;
using System.Text;
using Ember.Profiles.Otlp;
using Grpc.Core;
using Grpc.Net.Client;

namespace Ember.Agent.Export;

/// <summary>
/// OTLP/gRPC: <c>ProfilesService/Export</c> through Grpc.Net.Client with a marshaller around
/// <see cref="OtlpCodec"/> (decision 4: no Google.Protobuf in the agent), gzip as grpc-encoding.
/// </summary>
public sealed class GrpcProfileExporter : IProfileExporter
{
    private static readonly Method<ProfilesData, ExportResponse> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(OtlpCodec.Encode, bytes => OtlpCodec.Decode(bytes)),
        Marshallers.Create<ExportResponse>(_ => throw new NotSupportedException("the agent never sends export responses"), bytes => ExportResponse.Decode(bytes)));

    private readonly OtlpExportOptions _options;
    private readonly Metadata _metadata = new();
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;

    /// <summary>Creates the exporter; the connection opens on the first request.</summary>
    public GrpcProfileExporter(OtlpExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
        {
            // Retrying is ExportSender's job, so it can count retries and honour pushback itself.
            MaxRetryAttempts = 0,
            ThrowOperationCanceledOnCancellation = true,
        });
        _invoker = _channel.CreateCallInvoker();
        foreach (var (key, value) in options.Headers)
        {
            _metadata.Add(key.ToLowerInvariant(), value);
        }

        if (options.Gzip)
        {
            // Grpc.Net.Client's documented switch for compressing the request message.
            _metadata.Add("grpc-internal-encoding-request", "gzip");
        }
    }

    /// <inheritdoc/>
    public async Task<ExportAttemptResult> SendAsync(ProfilesData data, CancellationToken cancellation)
    {
        try
        {
            using var call = _invoker.AsyncUnaryCall(ExportMethod, null, new CallOptions(_metadata, DateTime.UtcNow + _options.Timeout, cancellation), data);
            return ExportAttemptResult.Accepted(await call.ResponseAsync.ConfigureAwait(false));
        }
        catch (RpcException ex)
        {
            var reason = CanonicalName(ex.StatusCode) + (ex.Status.Detail is { Length: > 0 } detail ? ": " + detail : "");
            return ex.StatusCode switch
            {
                StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded or StatusCode.Aborted =>
                    ExportAttemptResult.Retryable(reason, Pushback(ex.Trailers)),
                _ => ExportAttemptResult.Failed(reason),
            };
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _channel.Dispose();

    /// <summary>The status code as gRPC spells it (INVALID_ARGUMENT), not as the C# enum does.</summary>
    private static string CanonicalName(StatusCode code)
    {
        var name = new StringBuilder();
        foreach (var c in code.ToString())
        {
            if (char.IsUpper(c) && name.Length > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(c));
        }

        return name.ToString();
    }

    private static TimeSpan? Pushback(Metadata trailers) =>
        trailers.GetValue("grpc-retry-pushback-ms") is { } text
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;
}
