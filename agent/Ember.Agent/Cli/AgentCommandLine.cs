using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>The ember-agent command tree. Parse errors exit with 2, as DESIGN.md requires.</summary>
internal static class AgentCommandLine
{
    public static int Run(string[] args)
    {
        using var logging = LoggerFactory.Create(builder => builder
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Information));
        return Run(args, Console.Out, Console.Error, logging);
    }

    internal static int Run(string[] args, TextWriter output, TextWriter error, ILoggerFactory logging)
    {
        var root = new RootCommand("ember-agent: continuous eBPF CPU profiling for Linux nodes.")
        {
            CheckCommand.Create(output, logging),
            RecordCommand.Create(output, error, logging),
            RunCommand.Create(output, error, logging),
        };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                error.WriteLine($"ember-agent: {parseError.Message}");
            }

            error.WriteLine("Run 'ember-agent --help' for usage.");
            return ExitCodes.Usage;
        }

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
