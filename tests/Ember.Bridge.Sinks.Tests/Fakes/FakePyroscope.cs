using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ember.Bridge.Protos.Pyroscope;
using Ember.Profiles.Tests.Oracle.Collector;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OraclePprof = Ember.Profiles.Tests.Oracle.Pprof.Profile;

namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>
/// An in-process Grafana Pyroscope on 127.0.0.1 (HTTP/1.1) serving the two push endpoints the sink
/// uses, as shared/reference/servers.md describes them: OTLP/HTTP <c>POST /v1development/profiles</c>
/// (exact protobuf content types, gzip), Connect unary <c>POST /push.v1.PusherService/Push</c>
/// (<c>application/proto</c>; <c>__name__</c> and <c>service_name</c> required, names unique) and legacy
/// <c>POST /ingest?name=…&amp;format=pprof</c> (raw, optionally gzipped pprof). Bodies are decoded with the Google.Protobuf oracle types; anything else
/// gets the status Pyroscope would give (415, 400). Failures can be scripted.
/// </summary>
public sealed class FakePyroscope : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeHttpRequest> _requests = new();
    private readonly ConcurrentQueue<ExportProfilesServiceRequest> _otlp = new();
    private readonly ConcurrentQueue<(FakeHttpRequest Request, OraclePprof Profile)> _ingested = new();
    private readonly ConcurrentQueue<(FakeHttpRequest Request, PushRequest Push, IReadOnlyList<OraclePprof> Profiles)> _pushes = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _failures = new();

    private FakePyroscope(WebApplication app) => _app = app;

    /// <summary>The server's base URL.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request, failed ones included, in arrival order.</summary>
    public IReadOnlyList<FakeHttpRequest> Requests => [.. _requests];

    /// <summary>Accepted OTLP exports, decoded.</summary>
    public IReadOnlyList<ExportProfilesServiceRequest> OtlpExports => [.. _otlp];

    /// <summary>Accepted /ingest pushes with their decoded pprof.</summary>
    public IReadOnlyList<(FakeHttpRequest Request, OraclePprof Profile)> Ingested => [.. _ingested];

    /// <summary>Accepted Connect pushes with the decoded pprof of each series.</summary>
    public IReadOnlyList<(FakeHttpRequest Request, PushRequest Push, IReadOnlyList<OraclePprof> Profiles)> Pushes => [.. _pushes];

    /// <summary>PEM file of the self-signed certificate, when started with TLS.</summary>
    public string? CaFile { get; private set; }

    /// <summary>Starts the fake on a random loopback port, over TLS (for localhost) when asked.</summary>
    public static async Task<FakePyroscope> StartAsync(bool tls = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = null;
        string? caFile = null;
        if (tls)
        {
            (certificate, caFile) = TestCertificate.Create();
        }

        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http1;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }

            listen = l;
        }));
        var app = builder.Build();
        var fake = new FakePyroscope(app);
        app.MapPost("/v1development/profiles", fake.HandleOtlpAsync);
        app.MapPost("/ingest", fake.HandleIngestAsync);
        app.MapPost("/push.v1.PusherService/Push", fake.HandlePushAsync);
        await app.StartAsync();
        fake.CaFile = caFile;
        fake.BaseUrl = new Uri($"{(tls ? "https://localhost" : "http://127.0.0.1")}:{listen!.IPEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}/");
        return fake;
    }

    /// <summary>Answers the next request with this status (and Retry-After header, when given) instead of accepting it.</summary>
    public void FailNext(int status, string? retryAfter = null) => _failures.Enqueue((status, retryAfter));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleOtlpAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        if (await FailedAsync(context))
        {
            return;
        }

        // Pyroscope matches the content type exactly (otlp-profiles.md §4.1).
        if (context.Request.ContentType is not ("application/x-protobuf" or "application/protobuf"))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var body = request.Header("content-encoding") == "gzip" ? Gzip.Decompress(request.Body) : request.Body;
        _otlp.Enqueue(ExportProfilesServiceRequest.Parser.ParseFrom(body));
        context.Response.ContentType = "application/x-protobuf";
    }

    private async Task HandleIngestAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        if (await FailedAsync(context))
        {
            return;
        }

        if (!request.Query.TryGetValue("name", out var name) || name.Length == 0 || request.Query.GetValueOrDefault("format") != "pprof")
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_argument", "name and format=pprof are required here");
            return;
        }

        // format=pprof: the body is a raw pprof, gzip auto-detected.
        var body = Gzip.IsGzip(request.Body) ? Gzip.Decompress(request.Body) : request.Body;
        _ingested.Enqueue((request, OraclePprof.Parser.ParseFrom(body)));
    }

    private async Task HandlePushAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        if (await FailedAsync(context))
        {
            return;
        }

        if (context.Request.ContentType != "application/proto")
        {
            await ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "unknown", "unsupported content type");
            return;
        }

        var push = PushRequest.Parser.ParseFrom(request.Body);
        foreach (var series in push.Series)
        {
            var names = series.Labels.Select(l => l.Name).ToList();
            if (!names.Contains("__name__") || !names.Contains("service_name") || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_argument", "service name is not provided or duplicate labels");
                return;
            }
        }

        var profiles = push.Series.SelectMany(s => s.Samples)
            .Select(s => OraclePprof.Parser.ParseFrom(Gzip.IsGzip(s.RawProfile.Span) ? Gzip.Decompress(s.RawProfile.ToByteArray()) : s.RawProfile.ToByteArray()))
            .ToList();
        _pushes.Enqueue((request, push, profiles));
        context.Response.ContentType = "application/proto";
    }

    private async Task<bool> FailedAsync(HttpContext context)
    {
        if (!_failures.TryDequeue(out var failure))
        {
            return false;
        }

        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        await ErrorAsync(context, failure.Status, failure.Status == 429 ? "resource_exhausted" : "unavailable", "fake failure");
        return true;
    }

    /// <summary>Pyroscope's error body: Connect error JSON (pkg/util/http/error.go).</summary>
    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"code":"{{code}}","message":"{{message}}"}""");
    }

    private async Task<FakeHttpRequest> RecordAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var request = new FakeHttpRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
            buffer.ToArray());
        _requests.Enqueue(request);
        return request;
    }
}
