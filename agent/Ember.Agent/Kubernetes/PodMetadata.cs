namespace Ember.Agent.Kubernetes;

/// <summary>The identity of a pod, as the API server reports it.</summary>
/// <param name="Namespace">metadata.namespace</param>
/// <param name="Name">metadata.name</param>
/// <param name="Uid">metadata.uid</param>
public sealed record PodMetadata(string Namespace, string Name, string Uid);

/// <summary>A process's pod and, when its container ID is known to the API server, its container name.</summary>
/// <param name="Pod">The pod.</param>
/// <param name="ContainerName">The container's name in the pod spec; null when only the pod UID matched.</param>
public sealed record PodContainer(PodMetadata Pod, string? ContainerName);
