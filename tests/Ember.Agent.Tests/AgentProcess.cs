using Ember.TestSupport;

namespace Ember.Agent.Tests;

/// <summary>Runs the built ember-agent as its own process, as root or as an unprivileged user.</summary>
internal static class AgentProcess
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "ember-agent.dll");

    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1" };

    /// <summary>The arguments of <c>dotnet</c> that run the agent with <paramref name="args"/>.</summary>
    public static string[] Arguments(params string[] args) => [Dll, .. args];

    public static ExternalProcess.Result Run(params string[] args) =>
        ExternalProcess.Run("dotnet", Arguments(args), environment: Environment);

    /// <summary>Runs the agent with <paramref name="variables"/> added to its environment (only the child's, never the test host's).</summary>
    public static ExternalProcess.Result RunWithEnvironment(IReadOnlyDictionary<string, string> variables, params string[] args) =>
        ExternalProcess.Run("dotnet", [Dll, .. args], environment: Environment.Concat(variables).ToDictionary());

    /// <summary>
    /// Runs the agent as user nobody with every capability dropped (util-linux setpriv), which is
    /// how it runs when an operator forgot to grant CAP_BPF/CAP_PERFMON.
    /// </summary>
    public static ExternalProcess.Result RunUnprivileged(params string[] args) =>
        ExternalProcess.Run(
            ExternalProcess.Require("setpriv", "util-linux"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "dotnet", Dll, .. args],
            environment: Environment);
}
