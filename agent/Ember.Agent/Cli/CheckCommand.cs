using System.CommandLine;
using Ember.Agent.Preflight;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary><c>ember-agent check</c>: preflight of kernel, privileges and the BPF program.</summary>
internal static class CheckCommand
{
    public static Command Create(TextWriter output, ILoggerFactory logging)
    {
        var command = new Command("check", "Check the kernel, BTF, capabilities and perf_event_paranoid, and load, verify and attach the BPF program. Exits 3 with a fix when a privilege or kernel feature is missing.");
        command.SetAction(_ => Execute(new PreflightChecks(), output, logging.CreateLogger("check")));
        return command;
    }

    internal static int Execute(PreflightChecks checks, TextWriter output, ILogger logger)
    {
        var results = checks.Run(logger);
        foreach (var result in results)
        {
            var mark = result.Status switch
            {
                PreflightStatus.Passed => "ok  ",
                PreflightStatus.Warning => "warn",
                _ => "FAIL",
            };
            output.WriteLine($"[{mark}] {result.Name}: {result.Detail}");
            if (result.Status != PreflightStatus.Passed && result.Fix is { } fix)
            {
                output.WriteLine($"       fix: {fix}");
            }
        }

        var code = PreflightChecks.ExitCode(results);
        output.WriteLine(code == ExitCodes.Ok ? "ember-agent can profile this machine." : "ember-agent cannot profile this machine yet.");
        return code;
    }
}
