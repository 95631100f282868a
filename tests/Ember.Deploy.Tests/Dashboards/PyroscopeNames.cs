namespace Ember.Deploy.Tests.Dashboards;

/// <summary>What Pyroscope calls the things Ember sends it.</summary>
internal static class PyroscopeNames
{
    /// <summary>The Grafana data-source plugin id of Pyroscope.</summary>
    public const string PluginType = "grafana-pyroscope-datasource";

    /// <summary>
    /// The series type of ember-agent's samples: it sends sample_type (samples, count) with
    /// period_type (cpu, nanoseconds) (DESIGN.md decision 6), which Pyroscope's OTLP ingestion
    /// rewrites to cpu/nanoseconds under the name process_cpu (pkg/ingester/otlp/convert.go).
    /// </summary>
    public const string AgentCpu = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

    /// <summary>Profile type IDs Pyroscope serves (ui/src/api/profileTypes.json, pkg/model/profile.go).</summary>
    public static readonly IReadOnlySet<string> KnownProfileTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "process_cpu:samples:count:cpu:nanoseconds",
        "memory:alloc_space:bytes:space:bytes",
        "memory:alloc_objects:count:space:bytes",
        "memory:inuse_space:bytes:space:bytes",
        "memory:inuse_objects:count:space:bytes",
        "mutex:contentions:count:contentions:count",
        "mutex:delay:nanoseconds:contentions:count",
        "block:contentions:count:contentions:count",
        "block:delay:nanoseconds:contentions:count",
        "goroutine:goroutine:count:goroutine:count",
        "wall:wall:nanoseconds:wall:nanoseconds",
    };

    /// <summary>
    /// The label names Ember's profiles carry in Pyroscope: the agent's resource attributes
    /// (DESIGN.md decision 6) with dots made underscores by Pyroscope's label sanitization,
    /// service_name (from service.name), and k8s_cluster_name added by the collector configs.
    /// </summary>
    public static readonly IReadOnlySet<string> Labels = new HashSet<string>(StringComparer.Ordinal)
    {
        "service_name", "container_id", "process_pid", "process_executable_name", "process_executable_path",
        "k8s_namespace_name", "k8s_pod_name", "k8s_container_name", "k8s_node_name", "host_name", "k8s_cluster_name",
    };
}
