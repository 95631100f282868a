using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>
/// Console logs as single lines of text (default) or one JSON object per line for log pipelines:
/// <c>--log-format json</c> or <c>EMBER_LOG_FORMAT=json</c>; the flag wins.
/// </summary>
internal static class LogFormat
{
    public const string OptionName = "--log-format";
    public const string EnvironmentVariable = "EMBER_LOG_FORMAT";

    /// <summary>
    /// The format asked for. Read before System.CommandLine parses, because the loggers exist before
    /// the commands run; the option is also declared on the root so it is valid and in --help.
    /// </summary>
    public static string Select(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == OptionName && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(OptionName + "=", StringComparison.Ordinal))
            {
                return args[i][(OptionName.Length + 1)..];
            }
        }

        return environment(EnvironmentVariable) ?? "text";
    }

    public static ILoggerFactory CreateLoggerFactory(string format) => LoggerFactory.Create(builder =>
    {
        if (format == "json")
        {
            builder.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.AddSimpleConsole(console => console.SingleLine = true);
        }

        builder.SetMinimumLevel(LogLevel.Information);
    });
}
