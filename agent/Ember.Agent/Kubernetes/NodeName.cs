namespace Ember.Agent.Kubernetes;

/// <summary>Which node this agent runs on, for the pod field selector and <c>k8s.node.name</c>.</summary>
public static class NodeName
{
    /// <summary>The environment variable a DaemonSet sets from the downward API (<c>spec.nodeName</c>).</summary>
    public const string EnvironmentVariable = "NODE_NAME";

    /// <summary>
    /// The <c>--node</c> flag when given, else <c>NODE_NAME</c>, else the host name (which is the node
    /// name on most clusters, since the agent runs with <c>hostNetwork</c> or the kubelet's default).
    /// </summary>
    public static string Resolve(string? flag) =>
        !string.IsNullOrWhiteSpace(flag) ? flag
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Environment.MachineName;
}
