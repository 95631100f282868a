namespace Ember.Agent.Processes;

/// <summary>The container a process runs in, as its cgroup path tells.</summary>
/// <param name="ContainerId">The 64-hex-digit container ID (semconv <c>container.id</c>).</param>
/// <param name="Runtime">docker, containerd, cri-o, or null when the path does not say.</param>
/// <param name="PodUid">The Kubernetes pod UID for kubepods paths (dashes restored), else null.</param>
public sealed record ContainerIdentity(string ContainerId, string? Runtime, string? PodUid);
