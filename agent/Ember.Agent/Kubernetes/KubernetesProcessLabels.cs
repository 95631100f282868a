using Ember.Agent.Processes;
using Ember.Agent.Profiles;

namespace Ember.Agent.Kubernetes;

/// <summary><c>run --kubernetes [--namespace NS ...]</c>: k8s.* attributes from the node's pods, and the namespace filter.</summary>
public sealed class KubernetesProcessLabels(PodMetadataCache pods, PodNamespaceFilter filter) : IProcessLabels
{
    /// <inheritdoc />
    public bool ShouldProfile(ProcessInfo process) => filter.ShouldProfile(process.Container);

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes(ProcessInfo process) => pods.ResourceAttributes(process.Container);
}
