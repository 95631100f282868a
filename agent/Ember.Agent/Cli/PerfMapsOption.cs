using System.CommandLine;

namespace Ember.Agent.Cli;

/// <summary>The <c>--enable-perf-maps</c> switch <c>run</c> and <c>record</c> share.</summary>
internal static class PerfMapsOption
{
    public static Option<bool> Create() => new("--enable-perf-maps")
    {
        Description =
            "Ask each running .NET 8+ process, once, over its diagnostics socket to write /tmp/perf-PID.map, so its JIT frames are named " +
            "without a restart (as DOTNET_PerfMapEnabled=3 would). Off: JIT frames without a perf map show as [.NET JIT code] and the log says how to name them.",
    };
}
