namespace Ember.Profiles.Otlp;

/// <summary>
/// The OpenTelemetry semantic-convention attribute keys Ember writes and reads (registry v1.40).
/// One place, so the agent, the converters and the bridge's sinks cannot drift apart in spelling.
/// </summary>
public static class SemanticConventions
{
    public const string ServiceName = "service.name";
    public const string HostName = "host.name";

    public const string ProcessPid = "process.pid";
    public const string ProcessExecutableName = "process.executable.name";
    public const string ProcessExecutablePath = "process.executable.path";
    public const string ProcessExecutableBuildIdGnu = "process.executable.build_id.gnu";
    public const string ProcessExecutableBuildIdGo = "process.executable.build_id.go";
    public const string ProcessExecutableBuildIdHtlhash = "process.executable.build_id.htlhash";

    public const string ThreadName = "thread.name";
    public const string ContainerId = "container.id";

    public const string K8sNodeName = "k8s.node.name";
    public const string K8sNamespaceName = "k8s.namespace.name";
    public const string K8sPodName = "k8s.pod.name";
    public const string K8sPodUid = "k8s.pod.uid";
    public const string K8sContainerName = "k8s.container.name";

    /// <summary>The kind of code a location's frame ran (native, go, dotnet, kernel, …); profiles registry.</summary>
    public const string ProfileFrameType = "profile.frame.type";
}
