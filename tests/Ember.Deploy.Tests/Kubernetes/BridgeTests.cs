using k8s.Models;

namespace Ember.Deploy.Tests.Kubernetes;

public class BridgeTests
{
    /// <summary>ember-bridge's flags: DESIGN.md's command-line contract plus --config FILE.</summary>
    private static readonly HashSet<string> BridgeFlags = new(StringComparer.Ordinal) { "--grpc-listen", "--http-listen", "--sink", "--spool", "--config" };

    private static V1Deployment Deployment => Manifests.Single<V1Deployment>("ember-bridge");

    private static V1Container Bridge => Assert.Single(Deployment.Spec.Template.Spec.Containers);

    [Fact]
    public void Probes_liveness_on_healthz_and_readiness_on_readyz_at_the_http_listener()
    {
        Assert.Equal("/healthz", Bridge.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", Bridge.ReadinessProbe.HttpGet.Path);
        var http = Bridge.Ports.Single(p => p.Name == Bridge.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(http.Name, Bridge.ReadinessProbe.HttpGet.Port.Value);
        var args = Bridge.Args.ToList();
        Assert.EndsWith($":{http.ContainerPort}", args[args.IndexOf("--http-listen") + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_only_the_bridges_documented_flags_and_listens_on_all_interfaces()
    {
        var args = Bridge.Args.ToList();

        Assert.All(args.Where(a => a.StartsWith('-')), flag => Assert.Contains(flag, BridgeFlags));
        Assert.Equal("0.0.0.0:4317", args[args.IndexOf("--grpc-listen") + 1]);
        Assert.StartsWith("parca:", args[args.IndexOf("--sink") + 1], StringComparison.Ordinal);
        var spool = args[args.IndexOf("--spool") + 1];
        Assert.Contains(Bridge.VolumeMounts, m => m.MountPath == spool);
    }

    [Fact]
    public void Runs_as_non_root_without_capabilities_or_an_API_token()
    {
        var pod = Deployment.Spec.Template.Spec;

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.Null(Bridge.SecurityContext.Capabilities.Add);
        Assert.NotEqual(true, pod.HostPID);
    }

    [Fact]
    public void The_Service_exposes_the_otlp_and_http_ports_of_the_pods()
    {
        var service = Manifests.Single<V1Service>("ember-bridge");

        Assert.Equal(
            Bridge.Ports.Select(p => (p.Name, p.ContainerPort)).Order(),
            service.Spec.Ports.Select(p => (Name: p.TargetPort.Value, p.Port)).Order());
    }

    [Fact]
    public void The_disruption_budget_keeps_one_of_several_replicas()
    {
        var budget = Manifests.Single<V1PodDisruptionBudget>("ember-bridge");

        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.True(Deployment.Spec.Replicas > 1);
        Assert.Equal(Deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
    }
}
