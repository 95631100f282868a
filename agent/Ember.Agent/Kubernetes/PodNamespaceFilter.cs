using Ember.Agent.Processes;

namespace Ember.Agent.Kubernetes;

/// <summary>
/// <c>--namespace NS ...</c>: profile only processes in pods of those namespaces. With no namespaces
/// every process is profiled; with some, processes outside any known pod are not.
/// </summary>
public sealed class PodNamespaceFilter
{
    private readonly PodMetadataCache _pods;
    private readonly HashSet<string> _namespaces;

    /// <summary>Creates the filter over the node's pods.</summary>
    public PodNamespaceFilter(PodMetadataCache pods, IEnumerable<string> namespaces)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(namespaces);
        _pods = pods;
        _namespaces = new HashSet<string>(namespaces.Where(n => !string.IsNullOrWhiteSpace(n)), StringComparer.Ordinal);
    }

    /// <summary>Whether a process in <paramref name="container"/> (null: not in a container) is profiled.</summary>
    public bool ShouldProfile(ContainerIdentity? container) =>
        _namespaces.Count == 0 || (_pods.Find(container) is { } found && _namespaces.Contains(found.Pod.Namespace));
}
