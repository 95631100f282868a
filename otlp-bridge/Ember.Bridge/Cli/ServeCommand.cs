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
    public static void Configure(RootCommand root, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment)
    {
        var flags = new ServeFlags();
        flags.AddTo(root);
        root.SetAction((result, cancellation) => ServeAsync(flags.Read(result, environment), output, error, cancellation));
    }

    private static async Task<int> ServeAsync(ConfigurationSources sources, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        var sinks = new List<IProfileSink>();
        try
        {
            var settings = BridgeConfiguration.Load(sources);
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
