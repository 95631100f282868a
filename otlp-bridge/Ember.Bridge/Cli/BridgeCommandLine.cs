using System.CommandLine;

namespace Ember.Bridge.Cli;

/// <summary>The ember-bridge command tree.</summary>
internal static class BridgeCommandLine
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("ember-bridge: receive, convert and forward OTLP and pprof profiles.");
        return root.Parse(args).Invoke();
    }
}
