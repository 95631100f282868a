using System.CommandLine;
using Ember.Bridge.Configuration;
using Ember.Bridge.Hosting;
using Ember.Bridge.Sinks;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Cli;

/// <summary>
/// Serving is what <c>ember-bridge</c> does with no subcommand: these options live on the root
/// command, so <c>dotnet run --project otlp-bridge/Ember.Bridge</c> just serves.
/// </summary>
internal static class ServeCommand
{
    public static void Configure(RootCommand root, TextWriter output, TextWriter error)
    {
        var grpcListen = new Option<string?>("--grpc-listen") { Description = "OTLP/gRPC listener (HTTP/2), default 127.0.0.1:4317.", HelpName = "HOST:PORT" };
        var httpListen = new Option<string?>("--http-listen") { Description = "OTLP/HTTP, /ingest, /healthz, /readyz and /metrics listener, default 127.0.0.1:4318.", HelpName = "HOST:PORT" };
        var sinks = new Option<string[]>("--sink")
        {
            Description = "Where profiles go, repeatable: file:DIR, pyroscope:URL, parca:HOST:PORT, otlp:URL (default file:./profiles).",
            HelpName = "KIND:TARGET",
        };
        var spool = new Option<string?>("--spool") { Description = "Directory of the per-sink durable queues, default ./spool.", HelpName = "DIR" };
        var spoolMax = new Option<long?>("--spool-max-bytes") { Description = "Undelivered bytes per sink before receivers answer 429 / RESOURCE_EXHAUSTED (default 1 GiB).", HelpName = "BYTES" };
        var config = new Option<string?>("--config") { Description = "JSON config file (listeners, limits, sinks with per-sink options); flags win.", HelpName = "FILE" };
        var maxRequest = new Option<long?>("--max-request-bytes") { Description = "Largest request body as it arrives (default 16 MiB).", HelpName = "BYTES" };
        var maxDecompressed = new Option<long?>("--max-decompressed-bytes") { Description = "Largest request body after gzip decompression (default 64 MiB).", HelpName = "BYTES" };
        var authTokenFile = new Option<string?>("--auth-token-file") { Description = "Require 'Authorization: Bearer TOKEN' with the token in this file on every receiver.", HelpName = "FILE" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate for TLS on both listeners (with --tls-key).", HelpName = "FILE" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert.", HelpName = "FILE" };
        foreach (var option in new Option[] { grpcListen, httpListen, sinks, spool, spoolMax, config, maxRequest, maxDecompressed, authTokenFile, tlsCert, tlsKey })
        {
            root.Options.Add(option);
        }

        root.SetAction((result, cancellation) => ServeAsync(
            result.GetValue(config),
            new BridgeFlags
            {
                GrpcListen = result.GetValue(grpcListen),
                HttpListen = result.GetValue(httpListen),
                Sinks = result.GetValue(sinks) ?? [],
                Spool = result.GetValue(spool),
                SpoolMaxBytes = result.GetValue(spoolMax),
                MaxRequestBytes = result.GetValue(maxRequest),
                MaxDecompressedBytes = result.GetValue(maxDecompressed),
                AuthTokenFile = result.GetValue(authTokenFile),
                TlsCert = result.GetValue(tlsCert),
                TlsKey = result.GetValue(tlsKey),
            },
            output,
            error,
            cancellation));
    }

    private static async Task<int> ServeAsync(string? configFile, BridgeFlags flags, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        var sinks = new List<IProfileSink>();
        try
        {
            var settings = flags.Resolve(configFile is null ? null : BridgeConfigFile.Load(configFile));
            foreach (var specification in settings.Sinks)
            {
                sinks.Add(SinkFactory.Create(specification, loggerFactory));
            }

            await using var host = await BridgeHost.StartAsync(settings, sinks, cancellationToken: cancellation).ConfigureAwait(false);
            await output.WriteLineAsync(
                $"ember-bridge: OTLP/gRPC on {host.GrpcEndpoint}, OTLP/HTTP and /ingest on {host.HttpEndpoint}; sinks: " +
                string.Join(", ", settings.Sinks.Select(s => $"{s.Name} ({s.Kind}:{s.Target})"))).ConfigureAwait(false);
            await host.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (BridgeConfigurationException ex)
        {
            await error.WriteLineAsync($"ember-bridge: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"ember-bridge: cannot start: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
