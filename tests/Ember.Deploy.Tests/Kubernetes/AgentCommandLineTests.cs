using System.Text.RegularExpressions;
using Ember.Deploy.Tests.Support;
using Ember.TestSupport;
using k8s.Models;

namespace Ember.Deploy.Tests.Kubernetes;

/// <summary>
/// The DaemonSet's command line and environment, given to the real ember-agent. The agent validates
/// every flag and OTEL_* setting before it connects to the Kubernetes API; outside a pod that
/// connection is refused with its own message, so reaching it proves the rest was accepted. The agent
/// runs as user nobody without capabilities, so it could not sample even if it got further.
/// </summary>
public partial class AgentCommandLineTests
{
    private const string NodeName = "node-1";

    private const string ReachedKubernetes = "--kubernetes needs the in-cluster environment";

    [Fact]
    public void The_agent_accepts_the_DaemonSets_arguments_and_environment()
    {
        var result = RunAgent(DaemonSetArguments());

        Assert.True(result.ExitCode == 1 && result.StandardError.Contains(ReachedKubernetes, StringComparison.Ordinal),
            $"exit {result.ExitCode}: {result.StandardError}");
    }

    [Fact]
    public void A_bad_argument_is_refused_before_the_Kubernetes_step_so_the_check_above_can_fail()
    {
        var result = RunAgent([.. DaemonSetArguments(), "--collect-interval", "15x"]);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(ReachedKubernetes, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_DaemonSet_runs_the_run_subcommand_in_Kubernetes_mode_with_the_documented_flags()
    {
        var args = DaemonSetArguments();

        Assert.Equal("run", args[0]);
        Assert.Contains("--kubernetes", args);
        Assert.All(new[] { "--otlp-endpoint", "--node", "--frequency", "--collect-interval" }, flag => Assert.Contains(flag, args));
    }

    private static V1Container Agent => Manifests.Single<V1DaemonSet>("ember-agent").Spec.Template.Spec.Containers.Single();

    /// <summary>The container's args with $(VAR) expanded as the kubelet does, the downward-API node name filled in.</summary>
    private static List<string> DaemonSetArguments()
    {
        var environment = ContainerEnvironment();
        return Agent.Args.Select(a => Reference().Replace(a, m => environment[m.Groups["name"].Value])).ToList();
    }

    private static Dictionary<string, string> ContainerEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in Agent.EnvFrom)
        {
            foreach (var (key, value) in Manifests.Single<V1ConfigMap>(source.ConfigMapRef.Name).Data)
            {
                environment[key] = value;
            }
        }

        foreach (var variable in Agent.Env)
        {
            environment[variable.Name] = variable.ValueFrom?.FieldRef?.FieldPath == "spec.nodeName"
                ? NodeName
                : Reference().Replace(variable.Value, m => environment[m.Groups["name"].Value]);
        }

        return environment;
    }

    private static ExternalProcess.Result RunAgent(IReadOnlyList<string> args)
    {
        var environment = ContainerEnvironment();
        environment["HOME"] = "/tmp";
        environment["DOTNET_CLI_HOME"] = "/tmp";
        environment["DOTNET_NOLOGO"] = "1";
        environment["KUBERNETES_SERVICE_HOST"] = string.Empty;
        environment["KUBERNETES_SERVICE_PORT"] = string.Empty;
        return ExternalProcess.Run(
            ExternalProcess.Require("setpriv", "util-linux"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "dotnet", BuiltAgent.Dll, .. args],
            workingDirectory: "/tmp",
            environment: environment,
            timeout: TimeSpan.FromMinutes(1));
    }

    [GeneratedRegex(@"\$\((?<name>[A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
