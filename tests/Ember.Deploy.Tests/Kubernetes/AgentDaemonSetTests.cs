using k8s.Models;

namespace Ember.Deploy.Tests.Kubernetes;

public class AgentDaemonSetTests
{
    private static V1DaemonSet DaemonSet => Manifests.Single<V1DaemonSet>("ember-agent");

    private static V1PodSpec Pod => DaemonSet.Spec.Template.Spec;

    private static V1Container Agent => Assert.Single(Pod.Containers);

    [Fact]
    public void Shares_the_hosts_process_namespace()
    {
        Assert.True(Pod.HostPID);
        Assert.NotEqual(true, Pod.HostNetwork);
        Assert.NotEqual(true, Pod.HostIPC);
    }

    [Fact]
    public void Adds_exactly_BPF_PERFMON_and_SYS_PTRACE_to_an_otherwise_empty_capability_set()
    {
        var security = Agent.SecurityContext;

        Assert.Equal(["BPF", "PERFMON", "SYS_PTRACE"], security.Capabilities.Add.Order(StringComparer.Ordinal));
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.False(security.Privileged);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Null(Pod.SecurityContext?.SeLinuxOptions);
    }

    [Fact]
    public void Mounts_nothing_from_the_host()
    {
        Assert.All(Pod.Volumes, v => Assert.Null(v.HostPath));
        Assert.All(Agent.VolumeMounts, m => Assert.Contains(Pod.Volumes, v => v.Name == m.Name));
    }

    [Fact]
    public void Takes_the_node_name_from_the_downward_API_and_passes_it_on()
    {
        var node = Agent.Env.Single(e => e.Name == "NODE_NAME");

        Assert.Equal("spec.nodeName", node.ValueFrom.FieldRef.FieldPath);
        var args = Agent.Args.ToList();
        Assert.Equal("$(NODE_NAME)", args[args.IndexOf("--node") + 1]);
    }

    [Fact]
    public void Tolerates_every_taint_so_every_node_is_profiled()
    {
        var toleration = Assert.Single(Pod.Tolerations);

        Assert.Equal("Exists", toleration.OperatorProperty);
        Assert.Null(toleration.Key);
        Assert.Null(toleration.Effect);
    }

    [Fact]
    public void Runs_as_its_service_account_whose_role_only_reads_pods()
    {
        Assert.Equal("ember-agent", Pod.ServiceAccountName);
        var account = Manifests.Single<V1ServiceAccount>(Pod.ServiceAccountName);
        var binding = Assert.Single(Manifests.OfType<V1ClusterRoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name && s.NamespaceProperty == account.Metadata.NamespaceProperty));
        Assert.Equal("ClusterRole", binding.RoleRef.Kind);
        var role = Manifests.Single<V1ClusterRole>(binding.RoleRef.Name);

        var rule = Assert.Single(role.Rules);
        Assert.Equal([""], rule.ApiGroups);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["get", "list", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
        Assert.Null(rule.ResourceNames);
        Assert.Null(rule.NonResourceURLs);
        Assert.Empty(Manifests.OfType<V1Role>());
        Assert.Empty(Manifests.OfType<V1RoleBinding>());
    }

    [Fact]
    public void Reads_its_environment_from_the_ConfigMap()
    {
        var reference = Assert.Single(Agent.EnvFrom).ConfigMapRef;
        var config = Manifests.Single<V1ConfigMap>(reference.Name);

        Assert.Equal("otlp", config.Data["OTEL_METRICS_EXPORTER"]);
        Assert.All(config.Data.Keys, k => Assert.StartsWith("OTEL_", k, StringComparison.Ordinal));
    }

    [Fact]
    public void Exports_to_the_collector_Service()
    {
        var args = Agent.Args.ToList();
        var endpoint = new Uri(args[args.IndexOf("--otlp-endpoint") + 1]);
        var collector = Manifests.Single<V1Service>("otel-collector");

        Assert.Equal($"{collector.Metadata.Name}.{collector.Metadata.NamespaceProperty}.svc.cluster.local", endpoint.Host);
        Assert.Contains(collector.Spec.Ports, p => p.Port == endpoint.Port && p.Name == "otlp-grpc");
        Assert.Equal("grpc", args[args.IndexOf("--otlp-protocol") + 1]);
    }
}
