using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>The ember-agent command tree. Parse errors exit with 2, as DESIGN.md requires.</summary>
internal static class AgentCommandLine
{
    public static int Run(string[] args)
    {
        var format = LogFormat.Select(args, Environment.GetEnvironmentVariable);
        if (format is not ("text" or "json"))
        {
            Console.Error.WriteLine($"ember-agent: log format '{format}' (from {LogFormat.OptionName} or {LogFormat.EnvironmentVariable}) is not text or json");
            return ExitCodes.Usage;
        }

        using var logging = LogFormat.CreateLoggerFactory(format);
        return Run(args, Console.Out, Console.Error, logging);
    }

    internal static int Run(string[] args, TextWriter output, TextWriter error, ILoggerFactory logging)
    {
        var logFormat = new Option<string>(LogFormat.OptionName)
        {
            Description = $"Console log format: text or json (one object per line). Default: ${LogFormat.EnvironmentVariable}, else text.",
            Recursive = true,
        };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var root = new RootCommand("ember-agent: continuous eBPF CPU profiling for Linux nodes.")
        {
            CheckCommand.Create(output, logging),
            RecordCommand.Create(output, error, logging),
            RunCommand.Create(output, error, logging),
            logFormat,
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
