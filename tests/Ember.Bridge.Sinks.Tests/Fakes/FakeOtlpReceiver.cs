using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Ember.Profiles.Tests.Oracle.Collector;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>An export that reached <see cref="FakeOtlpReceiver"/>.</summary>
/// <param name="Protocol">"grpc" or "http".</param>
/// <param name="Path">The request path.</param>
/// <param name="Headers">Request headers or metadata, names lower-cased.</param>
/// <param name="Request">The decoded request; null when the fake failed the call.</param>
public sealed record OtlpExport(string Protocol, string Path, IReadOnlyDictionary<string, string> Headers, ExportProfilesServiceRequest? Request);

/// <summary>
/// An in-process OTLP profiles receiver on 127.0.0.1, the same idea as the agent tests'
/// FakeOtlpCollector but built on Grpc.AspNetCore server stubs generated from the pinned OTLP
/// .proto files: gRPC <c>ProfilesService/Export</c> over h2c (gzip grpc-encoding handled by the
/// framework) and OTLP/HTTP <c>POST /v1development/profiles</c>. Requests are decoded with the
/// Google.Protobuf oracle types. Failures, delays and partial_success answers can be scripted.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<OtlpExport> _exports = new();
    private readonly ConcurrentQueue<(StatusCode Grpc, int Http, string? RetryAfter)> _failures = new();
    private WebApplication _app = null!;

    private FakeOtlpReceiver()
    {
    }

    /// <summary>Base address of the h2c gRPC listener.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>Base address of the HTTP/1.1 listener (no path).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>Every call, in arrival order.</summary>
    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    /// <summary>partial_success to answer accepted requests with; null for a plain empty response.</summary>
    public ExportProfilesPartialSuccess? PartialSuccess { get; set; }

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Starts both listeners on random loopback ports.</summary>
    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var fake = new FakeOtlpReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(fake);
        ListenOptions? grpc = null;
        ListenOptions? http = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // h2c needs an HTTP/2-only endpoint (no TLS, no ALPN).
            kestrel.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; grpc = l; });
            kestrel.Listen(IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http1; http = l; });
        });
        var app = builder.Build();
        app.MapGrpcService<Service>();
        app.MapPost("/v1development/profiles", fake.HandleHttpAsync);
        await app.StartAsync();
        fake._app = app;
        fake.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        fake.HttpEndpoint = new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}");
        return fake;
    }

    /// <summary>Fails the next call: with <paramref name="grpc"/> over gRPC, <paramref name="http"/> (and Retry-After) over HTTP.</summary>
    public void FailNext(StatusCode grpc, int http, string? retryAfter = null) => _failures.Enqueue((grpc, http, retryAfter));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private ExportProfilesServiceResponse Response() =>
        PartialSuccess is { } partial ? new ExportProfilesServiceResponse { PartialSuccess = partial } : new ExportProfilesServiceResponse();

    private async Task<ExportProfilesServiceResponse> ExportGrpcAsync(ExportProfilesServiceRequest request, ServerCallContext context)
    {
        await Task.Delay(Delay, context.CancellationToken);
        // The HTTP/2 headers as sent: RequestHeaders hides the reserved grpc-* ones such as grpc-encoding.
        var headers = context.GetHttpContext().Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        if (_failures.TryDequeue(out var failure))
        {
            _exports.Enqueue(new OtlpExport("grpc", context.GetHttpContext().Request.Path.Value ?? "", headers, null));
            throw new RpcException(new Status(failure.Grpc, "fake failure"));
        }

        _exports.Enqueue(new OtlpExport("grpc", context.GetHttpContext().Request.Path.Value ?? "", headers, request));
        return Response();
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        await Task.Delay(Delay, context.RequestAborted);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        if (_failures.TryDequeue(out var failure))
        {
            _exports.Enqueue(new OtlpExport("http", context.Request.Path.Value ?? "", headers, null));
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

        var body = context.Request.Headers.ContentEncoding == "gzip" ? Gzip.Decompress(buffer.ToArray()) : buffer.ToArray();
        _exports.Enqueue(new OtlpExport("http", context.Request.Path.Value ?? "", headers, ExportProfilesServiceRequest.Parser.ParseFrom(body)));
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(Response().ToByteArray());
    }

    /// <summary>The gRPC service, resolved per call by Grpc.AspNetCore; state lives in the fake.</summary>
    private sealed class Service(FakeOtlpReceiver fake) : ProfilesService.ProfilesServiceBase
    {
        public override Task<ExportProfilesServiceResponse> Export(ExportProfilesServiceRequest request, ServerCallContext context) =>
            fake.ExportGrpcAsync(request, context);
    }
}
