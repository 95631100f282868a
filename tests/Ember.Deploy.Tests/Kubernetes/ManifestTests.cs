using k8s.Models;

namespace Ember.Deploy.Tests.Kubernetes;

public class ManifestTests
{
    [Fact]
    public void Every_manifest_document_loads_into_a_typed_Kubernetes_object()
    {
        var kinds = Manifests.All.Select(m => m.Object.GetType()).ToHashSet();

        Assert.Superset(
            new HashSet<Type>
            {
                typeof(V1Namespace), typeof(V1ServiceAccount), typeof(V1ClusterRole), typeof(V1ClusterRoleBinding),
                typeof(V1ConfigMap), typeof(V1DaemonSet), typeof(V1Deployment), typeof(V1Service), typeof(V1PodDisruptionBudget),
            },
            kinds);
        Assert.Equal(Directory.GetFiles(Manifests.Folder, "*.yaml").Length, Manifests.All.Select(m => m.File).Distinct().Count());
    }

    [Fact]
    public void The_loader_is_strict_so_a_misspelt_field_cannot_pass()
    {
        const string Misspelt = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: x
            dataa:
              key: value
            """;

        Assert.ThrowsAny<Exception>(() => Manifests.Parse(Misspelt));
    }

    [Fact]
    public void Namespaced_objects_live_in_the_ember_namespace()
    {
        var namespaced = Manifests.All.Select(m => m.Object).OfType<k8s.IKubernetesObject<V1ObjectMeta>>()
            .Where(o => o is not V1Namespace and not V1ClusterRole and not V1ClusterRoleBinding);

        Assert.All(namespaced, o => Assert.Equal("ember", o.Metadata.NamespaceProperty));
        Assert.Equal("ember", Assert.Single(Manifests.OfType<V1Namespace>()).Metadata.Name);
    }

    [Fact]
    public void Every_workload_sets_requests_and_limits_and_never_runs_privileged()
    {
        var pods = Manifests.OfType<V1DaemonSet>().Select(d => (d.Metadata.Name, d.Spec.Template.Spec))
            .Concat(Manifests.OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template.Spec)));

        foreach (var (name, pod) in pods)
        {
            foreach (var container in pod.Containers)
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    Assert.True(container.Resources.Requests.ContainsKey(resource), $"{name}: no {resource} request");
                    Assert.True(container.Resources.Limits.ContainsKey(resource), $"{name}: no {resource} limit");
                    Assert.True(container.Resources.Requests[resource].ToDecimal() <= container.Resources.Limits[resource].ToDecimal(), $"{name}: {resource} request above limit");
                }

                Assert.False(container.SecurityContext.Privileged ?? false, $"{name} is privileged");
                Assert.False(container.SecurityContext.AllowPrivilegeEscalation ?? true, $"{name} allows privilege escalation");
                Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, $"{name}: root filesystem is writable");
                Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            }
        }
    }

    [Fact]
    public void Every_Service_and_selector_matches_the_pods_it_is_meant_for()
    {
        var podLabels = Manifests.OfType<V1Deployment>().Select(d => d.Spec.Template.Metadata.Labels)
            .Concat(Manifests.OfType<V1DaemonSet>().Select(d => d.Spec.Template.Metadata.Labels)).ToList();

        Assert.All(Manifests.OfType<V1Service>(), s => Assert.Contains(podLabels, l => s.Spec.Selector.All(kv => l.TryGetValue(kv.Key, out var v) && v == kv.Value)));
        Assert.All(Manifests.OfType<V1Deployment>(), d => Assert.All(d.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, d.Spec.Template.Metadata.Labels[kv.Key])));
        Assert.All(Manifests.OfType<V1DaemonSet>(), d => Assert.All(d.Spec.Selector.MatchLabels, kv => Assert.Equal(kv.Value, d.Spec.Template.Metadata.Labels[kv.Key])));
    }
}
