using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Ember.Bridge.Configuration;
using Ember.Bridge.Delivery;
using Ember.Bridge.Intake;
using Ember.Bridge.Receivers;
using Ember.Bridge.Receiving;
using Ember.Bridge.Sinks;
using Ember.Bridge.Symbolization;
using Ember.Bridge.Telemetry;
using Ember.Symbols.DebugInfo;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Ember.Bridge.Hosting;

/// <summary>
/// The bridge as a running Kestrel server: the OTLP/gRPC listener (HTTP/2) and the HTTP listener
/// (OTLP/HTTP, <c>/ingest</c>, <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>), the per-sink spools
/// and the delivery loops. The CLI runs one until it is stopped; tests start several in-process.
/// The sinks are the caller's: the host delivers to them but does not dispose them.
/// </summary>
public sealed class BridgeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _grpcListener;
    private readonly ListenOptions _httpListener;
    private readonly bool _tls;

    private BridgeHost(WebApplication app, ListenOptions grpcListener, ListenOptions httpListener, bool tls)
    {
        _app = app;
        _grpcListener = grpcListener;
        _httpListener = httpListener;
        _tls = tls;
    }

    /// <summary>Base URL of the OTLP/gRPC listener, with the bound port.</summary>
    public Uri GrpcEndpoint => Endpoint(_grpcListener);

    /// <summary>Base URL of the HTTP listener, with the bound port.</summary>
    public Uri HttpEndpoint => Endpoint(_httpListener);

    /// <summary>Builds and starts the bridge.</summary>
    /// <param name="settings">Resolved settings.</param>
    /// <param name="sinks">The sinks, one spool each (named after <see cref="IProfileSink.Name"/>).</param>
    /// <param name="configureLogging">Logging setup; console logging when null.</param>
    /// <param name="time">The clock retry waits run on; the system clock when null (tests pass a fake one).</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <exception cref="BridgeConfigurationException">Unreadable token, certificate or spool.</exception>
    /// <exception cref="IOException">A listener cannot bind (address in use).</exception>
    public static async Task<BridgeHost> StartAsync(BridgeSettings settings, IReadOnlyList<IProfileSink> sinks, Action<ILoggingBuilder>? configureLogging = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sinks);
        var authenticator = BearerTokenAuthenticator.Load(settings.AuthTokenFile);
        var certificate = LoadCertificate(settings);
        var builder = WebApplication.CreateSlimBuilder();
        // Request-level framework logs would drown the bridge's own; warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (configureLogging is not null)
        {
            builder.Logging.ClearProviders();
            configureLogging(builder.Logging);
        }

        ListenOptions? grpcListener = null;
        ListenOptions? httpListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Receivers enforce their own limits so they can name them in the answer.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(settings.GrpcListen.IPAddress, settings.GrpcListen.Port, listen =>
            {
                // Without TLS, HTTP/2 needs prior knowledge (h2c), which Kestrel offers only on an HTTP/2-only endpoint.
                listen.Protocols = HttpProtocols.Http2;
                UseTls(listen, certificate);
                grpcListener = listen;
            });
            kestrel.Listen(settings.HttpListen.IPAddress, settings.HttpListen.Port, listen =>
            {
                listen.Protocols = certificate is null ? HttpProtocols.Http1 : HttpProtocols.Http1AndHttp2;
                UseTls(listen, certificate);
                httpListener = listen;
            });
        });

        var services = builder.Services;
        services.AddSingleton(authenticator);
        services.AddSingleton(sp => SinkPipelines.Open(settings, sinks, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<SinkPipelines>().All);
        var store = new DebugInfoStore(settings.DebugInfoDirectory);
        services.AddSingleton(_ => new DebuginfodClient(new DebuginfodOptions(settings.DebuginfodUrls, Path.Combine(settings.DebugInfoDirectory, DebugInfoStore.DebuginfodCacheName))));
        services.AddSingleton(sp =>
        {
            var pipelines = sp.GetRequiredService<SinkPipelines>().All;
            var debuginfod = sp.GetRequiredService<DebuginfodClient>();
            return new BridgeMetrics(
                sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                () => pipelines.Select(p => (p.Sink.Name, p.Spool.PendingBytes)),
                () => [(store.Name, store.StoredBytes()), (debuginfod.Name, debuginfod.CachedBytes())]);
        });
        services.AddSingleton(sp =>
        {
            IDebugInfoSource[] sources = settings.DebuginfodUrls.Count > 0 ? [store, sp.GetRequiredService<DebuginfodClient>()] : [store];
            var resolver = new DebugInfoResolver(sources, sp.GetRequiredService<BridgeMetrics>(), time ?? TimeProvider.System, sp.GetRequiredService<ILogger<DebugInfoResolver>>());
            return new ProfileSymbolizer(resolver, settings.SymbolizeDeadline, time ?? TimeProvider.System, sp.GetRequiredService<BridgeMetrics>());
        });
        services.AddSingleton<ProfileIntake>();
        services.AddSingleton(new Ember.Otlp.ExportBackoff(settings.RetryInitialDelay, settings.RetryMaxDelay, time ?? TimeProvider.System));
        services.AddSingleton(new ReceiveLimits(settings.MaxRequestBytes, settings.MaxDecompressedBytes));
        services.AddSingleton<ReceivePipeline>();
        services.AddSingleton<OtlpHttpReceiver>();
        services.AddSingleton<IngestReceiver>();
        services.AddHostedService<DeliveryService>();
        services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = (int)Math.Min(settings.MaxDecompressedBytes, int.MaxValue);
            options.EnableDetailedErrors = false;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<OtlpGrpcReceiver>, OtlpGrpcMethodProvider>());
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("ember-bridge")).WithMetrics(metrics => metrics.AddMeter(BridgeMetrics.MeterName).AddPrometheusExporter());

        var app = builder.Build();
        try
        {
            // Open the spools now, so a bad --spool fails the start instead of the first request.
            app.Services.GetRequiredService<SinkPipelines>();
        }
        catch (BridgeConfigurationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapGrpcService<OtlpGrpcReceiver>();
        var http = app.Services.GetRequiredService<OtlpHttpReceiver>();
        app.MapPost(OtlpHttpReceiver.Path, http.HandleAsync);
        var ingest = app.Services.GetRequiredService<IngestReceiver>();
        app.MapPost("/ingest", ingest.HandleAsync);
        app.MapPost("/pyroscope/ingest", ingest.HandleAsync);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (SinkPipelines pipelines) =>
            pipelines.All.Where(p => p.Spool.PendingBytes >= settings.SpoolMaxBytes * 9 / 10).Select(p => p.Sink.Name).ToList() is { Count: > 0 } full
                ? Results.Text($"spool nearly full: {string.Join(", ", full)}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready\n"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new BridgeHost(app, grpcListener!, httpListener!, certificate is not null);
    }

    /// <summary>Completes when the host is asked to stop (SIGINT, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops listening and ends the delivery loops; undelivered records stay spooled.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Uri Endpoint(ListenOptions listener) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"{(_tls ? "https" : "http")}://{(listener.IPEndPoint!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listener.IPEndPoint.Address}]" : listener.IPEndPoint.Address.ToString())}:{listener.IPEndPoint.Port}"));

    private static void UseTls(ListenOptions listen, X509Certificate2? certificate)
    {
        if (certificate is not null)
        {
            listen.UseHttps(certificate);
        }
    }

    private static X509Certificate2? LoadCertificate(BridgeSettings settings)
    {
        if (settings.TlsCert is null || settings.TlsKey is null)
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(settings.TlsCert, settings.TlsKey);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new BridgeConfigurationException($"--tls-cert {settings.TlsCert} / --tls-key {settings.TlsKey}: {ex.Message}", ex);
        }
    }
}
