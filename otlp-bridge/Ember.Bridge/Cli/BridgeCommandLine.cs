using System.CommandLine;

namespace Ember.Bridge.Cli;

/// <summary>The ember-bridge command tree. Parse errors exit with 2, as DESIGN.md requires.</summary>
internal static class BridgeCommandLine
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("ember-bridge: receive, convert and forward OTLP and pprof profiles.")
        {
            ConvertCommand.Create(output, error),
        };
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

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
