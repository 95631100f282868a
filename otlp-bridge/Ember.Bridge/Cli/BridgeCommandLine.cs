using System.CommandLine;

namespace Ember.Bridge.Cli;

/// <summary>The ember-bridge command tree. Parse errors exit with 2, as DESIGN.md requires.</summary>
internal static class BridgeCommandLine
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error, ProcessEnvironment());

    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="environment">The variables serving reads <c>EMBER_BRIDGE_*</c> settings from; none when null.</param>
    internal static int Run(string[] args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = new RootCommand(
            "ember-bridge: receive OTLP profiles (gRPC, HTTP) and Pyroscope pprof pushes (/ingest), spool them durably and "
            + "forward them to the sinks. With no subcommand it serves until SIGINT/SIGTERM; 'convert' converts files.")
        {
            ConvertCommand.Create(output, error),
        };
        ServeCommand.Configure(root, output, error, environment ?? new Dictionary<string, string>());
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                error.WriteLine($"ember-bridge: {parseError.Message}");
            }

            error.WriteLine("Run 'ember-bridge --help' for usage.");
            return ExitCodes.Usage;
        }

        // The host handles SIGINT/SIGTERM itself and stops gracefully, so System.CommandLine must not.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return result.InvokeAsync(invocation).GetAwaiter().GetResult();
    }

    private static Dictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);
}
