using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Ember.TestSupport.Otlp;

/// <summary>
/// An in-process OTLP profiles receiver on 127.0.0.1 speaking the real protocols: gRPC
/// <c>ProfilesService/Export</c> over h2c through Grpc.AspNetCore (framing, grpc-encoding gzip and
/// trailers are the framework's) and OTLP/HTTP <c>POST /v1development/profiles</c> on Kestrel.
/// Requests are kept as bytes (for the tests' Google.Protobuf oracles) and decoded with Ember's codec;
/// answers are written with the oracle types. Failures, delays and partial_success can be scripted.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    /// <summary>The OTLP/HTTP profiles path.</summary>
    public const string HttpPath = "/v1development/profiles";

    private static readonly Method<byte[], byte[]> ExportMethod = new(
        MethodType.Unary,
        "opentelemetry.proto.collector.profiles.v1development.ProfilesService",
        "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    private readonly ConcurrentQueue<FakeOtlpRequest> _requests = new();
    private readonly ConcurrentQueue<FakeOtlpFailure> _failures = new();
    private readonly Lock _lock = new();
    private ExportProfilesPartialSuccess? _partialSuccess;
    private WebApplication _app = null!;

    private FakeOtlpReceiver()
    {
    }

    /// <summary>Base address of the h2c gRPC listener.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Base address of the HTTP/1.1 listener, without a path.</summary>
    public Uri HttpBaseAddress { get; private set; } = null!;

    /// <summary>The full OTLP/HTTP profiles URL.</summary>
    public Uri HttpEndpoint => new(HttpBaseAddress, HttpPath);

    /// <summary>Every request in arrival order, failed ones included.</summary>
    public IReadOnlyList<FakeOtlpRequest> Requests => [.. _requests];

    /// <summary>The requests the fake accepted, decoded.</summary>
    public IReadOnlyList<ProfilesData> Exports => [.. _requests.Where(r => r.Data is not null).Select(r => r.Data!)];

    /// <summary>The body format of answers to accepted requests.</summary>
    public FakeOtlpAnswer Answer { get; set; }

    /// <summary>How long to wait before answering (to exceed a client's timeout).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Starts both listeners on random loopback ports.</summary>
    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var fake = new FakeOtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(fake);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<GrpcService>, GrpcMethods>());
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Without TLS, Kestrel speaks HTTP/2 (h2c, prior knowledge) only on an HTTP/2-only endpoint.
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http2; grpc = listen; });
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http1; http = listen; });
        });
        var app = builder.Build();
        app.MapGrpcService<GrpcService>();
        app.MapPost(HttpPath, fake.HandleHttpAsync);
        await app.StartAsync();
        fake._app = app;
        fake.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        fake.HttpBaseAddress = new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        return fake;
    }

    /// <summary>Fails the next <paramref name="count"/> requests the given way.</summary>
    public void FailNext(FakeOtlpFailure failure, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            _failures.Enqueue(failure);
        }
    }

    /// <summary>Answers accepted requests with partial_success{rejected_profiles, error_message}.</summary>
    public void RejectProfiles(long count, string message)
    {
        lock (_lock)
        {
            _partialSuccess = new ExportProfilesPartialSuccess { RejectedProfiles = count, ErrorMessage = message };
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> exports arrived; false on timeout.</summary>
    public async Task<bool> WaitForExportsAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (Exports.Count < count)
        {
            if (deadline.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>google.rpc.Status{code(1), message(2), details(3): Any(google.rpc.RetryInfo{retry_delay(1)})}.</summary>
    private static byte[] StatusWithRetryInfo(StatusCode code, string message, TimeSpan delay)
    {
        using var retryInfo = new MemoryStream();
        using (var output = new CodedOutputStream(retryInfo, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(Duration.FromTimeSpan(delay));
        }

        var any = new Any { TypeUrl = "type.googleapis.com/google.rpc.RetryInfo", Value = ByteString.CopyFrom(retryInfo.ToArray()) };
        using var status = new MemoryStream();
        using (var output = new CodedOutputStream(status, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt32((int)code);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString(message);
            output.WriteTag(3, WireFormat.WireType.LengthDelimited);
            output.WriteMessage(any);
        }

        return status.ToArray();
    }

    private static Dictionary<string, string> HeadersOf(HttpContext context) =>
        context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);

    private static byte[] Gunzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }

    private ExportProfilesServiceResponse Response()
    {
        lock (_lock)
        {
            return _partialSuccess is { } partial ? new ExportProfilesServiceResponse { PartialSuccess = partial } : new ExportProfilesServiceResponse();
        }
    }

    private async Task<byte[]> ExportGrpcAsync(byte[] message, ServerCallContext call)
    {
        await Task.Delay(Delay, call.CancellationToken);
        var context = call.GetHttpContext();
        // The HTTP/2 headers as sent: RequestHeaders hides the reserved grpc-* ones such as grpc-encoding.
        var headers = HeadersOf(context);
        var compressed = headers.GetValueOrDefault("grpc-encoding") == "gzip";
        var path = context.Request.Path.Value ?? "";
        if (_failures.TryDequeue(out var failure))
        {
            _requests.Enqueue(new FakeOtlpRequest("grpc", path, compressed, headers, null, []));
            var trailers = new Metadata();
            if (failure.PushbackMilliseconds is { } pushback)
            {
                trailers.Add("grpc-retry-pushback-ms", pushback);
            }

            if (failure.RetryInfo is { } delay)
            {
                trailers.Add("grpc-status-details-bin", StatusWithRetryInfo(failure.Grpc, "fake failure", delay));
            }

            throw new RpcException(new Status(failure.Grpc, "fake failure"), trailers);
        }

        _requests.Enqueue(new FakeOtlpRequest("grpc", path, compressed, headers, OtlpCodec.Decode(message), message));
        return Answer == FakeOtlpAnswer.Unreadable ? [0xFF] : Response().ToByteArray();
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        await Task.Delay(Delay, context.RequestAborted);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = HeadersOf(context);
        var compressed = context.Request.Headers.ContentEncoding == "gzip";
        var path = context.Request.Path.Value ?? "";
        if (_failures.TryDequeue(out var failure))
        {
            _requests.Enqueue(new FakeOtlpRequest("http", path, compressed, headers, null, []));
            context.Response.StatusCode = failure.Http;
            if (failure.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            return;
        }

        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var message = compressed ? Gunzip(buffer.ToArray()) : buffer.ToArray();
        _requests.Enqueue(new FakeOtlpRequest("http", path, compressed, headers, OtlpCodec.Decode(message), message));
        switch (Answer)
        {
            case FakeOtlpAnswer.Json:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonFormatter.Default.Format(Response()));
                break;
            case FakeOtlpAnswer.Unreadable:
                context.Response.ContentType = "application/x-protobuf";
                await context.Response.Body.WriteAsync(new byte[] { 0xFF });
                break;
            default:
                context.Response.ContentType = "application/x-protobuf";
                await context.Response.Body.WriteAsync(Response().ToByteArray());
                break;
        }
    }

    /// <summary>The gRPC service, resolved per call by Grpc.AspNetCore; state lives in the fake.</summary>
    private sealed class GrpcService(FakeOtlpReceiver fake)
    {
        public Task<byte[]> ExportAsync(byte[] request, ServerCallContext call) => fake.ExportGrpcAsync(request, call);
    }

    /// <summary>Registers the pass-through Export method without generated server stubs.</summary>
    private sealed class GrpcMethods : IServiceMethodProvider<GrpcService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<GrpcService> context) =>
            context.AddUnaryMethod(ExportMethod, [], (service, request, call) => service.ExportAsync(request, call));
    }
}
