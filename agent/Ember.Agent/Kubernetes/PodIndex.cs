using System.Collections.Frozen;

namespace Ember.Agent.Kubernetes;

/// <summary>
/// An immutable lookup of the node's pods by container ID and by pod UID. The watch builds a new one
/// for every change (a node runs at most a few hundred pods), so samplers read without locks.
/// </summary>
internal sealed class PodIndex
{
    public static readonly PodIndex Empty = new([]);

    private readonly FrozenDictionary<string, PodContainer> _byContainerId;
    private readonly FrozenDictionary<string, PodMetadata> _byPodUid;

    private PodIndex(IEnumerable<PodJson> pods)
    {
        var byContainerId = new Dictionary<string, PodContainer>(StringComparer.Ordinal);
        var byPodUid = new Dictionary<string, PodMetadata>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (ToMetadata(pod) is not { } metadata)
            {
                continue;
            }

            byPodUid[metadata.Uid] = metadata;
            var status = pod.Status;
            foreach (var container in (status?.ContainerStatuses ?? [])
                .Concat(status?.InitContainerStatuses ?? [])
                .Concat(status?.EphemeralContainerStatuses ?? []))
            {
                if (ContainerIdOf(container.ContainerId) is { } id && container.Name is { } name)
                {
                    byContainerId[id] = new PodContainer(metadata, name);
                }
            }
        }

        _byContainerId = byContainerId.ToFrozenDictionary(StringComparer.Ordinal);
        _byPodUid = byPodUid.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int PodCount => _byPodUid.Count;

    public static PodIndex Build(IEnumerable<PodJson> pods) => new(pods);

    /// <summary>The pod and container of a container ID, else the pod of a pod UID (pause containers,
    /// containers the API server has not reported yet).</summary>
    public PodContainer? Find(string containerId, string? podUid) =>
        _byContainerId.TryGetValue(containerId, out var container) ? container
        : podUid is not null && _byPodUid.TryGetValue(podUid, out var pod) ? new PodContainer(pod, null)
        : null;

    public static PodMetadata? ToMetadata(PodJson pod) =>
        pod.Metadata is { Namespace: { } ns, Name: { } name, Uid: { } uid } ? new PodMetadata(ns, name, uid) : null;

    /// <summary>The bare ID of <c>containerd://ID</c>, <c>docker://ID</c>, <c>cri-o://ID</c>; null before the container starts.</summary>
    public static string? ContainerIdOf(string? statusContainerId)
    {
        if (string.IsNullOrEmpty(statusContainerId))
        {
            return null;
        }

        var scheme = statusContainerId.IndexOf("://", StringComparison.Ordinal);
        var id = scheme < 0 ? statusContainerId : statusContainerId[(scheme + 3)..];
        return id.Length == 0 ? null : id;
    }
}
