namespace Ember.PowerShell.Pipeline;

/// <summary>What the seed's Verify list says to do when a step fails.</summary>
internal static class Remedies
{
    public const string PermissionError =
        "The agent container lacks CAP_BPF/CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8) or the kernel is too old: grant the capabilities in the DaemonSet's securityContext and run ember-agent check on the node.";

    public const string NotLoaded =
        "The BPF program has not reported loading: read the agent logs (kubectl logs ds/<name>) and run ember-agent check on the node; a permission error means CAP_BPF/CAP_PERFMON are missing or the kernel is too old.";

    public const string MissingDebugInfo =
        "Hex or [unknown] frames mean the build ID has no debug info in debuginfod/Parca: upload it (Publish-DebugInfo) or serve it from debuginfod. Fix symbolization, not the agent.";

    public const string NoProfiles =
        "No profiles arrived: check the agent's export endpoint and the collector/bridge in between (ember-agent logs: 'export attempt failed'), and that the service label matches.";

    public const string NoSpanProfile =
        "No samples carry that span: the service must label its samples with span_id (OpenTelemetry profiling span processor, or pprof labels), and the store must keep span_id.";
}
