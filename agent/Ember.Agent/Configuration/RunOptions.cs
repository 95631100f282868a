namespace Ember.Agent.Configuration;

/// <summary>
/// The settings of <c>ember-agent run</c>, bound by <see cref="RunOptionsLoader"/> from layered
/// configuration: these defaults &lt; the <c>--config</c> JSON file &lt; <c>EMBER_AGENT_*</c>
/// environment variables &lt; flags typed on the command line. Keys are the flags' names in camelCase
/// (<c>otlpEndpoint</c>, <c>collectInterval</c>, <c>pids</c>...); values are validated by the run command.
/// </summary>
/// <example>
/// <code>
/// { "otlpEndpoint": "http://collector:4317", "frequency": 19, "collectInterval": "15s",
///   "kubernetes": true, "namespaces": ["payments"] }
/// </code>
/// </example>
public sealed class RunOptions
{
    /// <summary>The default of <see cref="Frequency"/>: a prime, so sampling does not alias with periodic timers.</summary>
    public const int DefaultFrequency = 19;

    /// <summary>The default of <see cref="CollectInterval"/>.</summary>
    public const string DefaultCollectInterval = "15s";

    /// <summary>OTLP endpoint; null leaves it to OTEL_EXPORTER_OTLP_[PROFILES_]ENDPOINT, then the protocol's default.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>grpc or http/protobuf; null leaves it to OTEL_EXPORTER_OTLP_[PROFILES_]PROTOCOL, then grpc.</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>Samples per second per CPU.</summary>
    public int Frequency { get; set; } = DefaultFrequency;

    /// <summary>How often a profile is built and exported, as a duration such as 10s or 1m.</summary>
    public string CollectInterval { get; set; } = DefaultCollectInterval;

    /// <summary>Node name, reported as host.name; null for the machine name.</summary>
    public string? Node { get; set; }

    /// <summary>Only these processes; empty for every process.</summary>
    public IReadOnlyList<int> Pids { get; set; } = [];

    /// <summary>Whether to watch this node's pods and label processes with k8s.* attributes.</summary>
    public bool Kubernetes { get; set; }

    /// <summary>With <see cref="Kubernetes"/>: profile only pods of these namespaces; empty for all.</summary>
    public IReadOnlyList<string> Namespaces { get; set; } = [];

    /// <summary>Kernel memory for unwinding code without frame pointers, as a size such as 16MiB; 0 for frame pointers only.</summary>
    public string UnwindMemory { get; set; } = DefaultUnwindMemory;

    /// <summary>The default of <see cref="UnwindMemory"/>.</summary>
    public static readonly string DefaultUnwindMemory = Cli.UnwindMemoryOption.Default;

    /// <summary>Whether to ask running .NET processes (8+) to write their perf maps, so their JIT frames are named without a restart.</summary>
    public bool EnablePerfMaps { get; set; }

    /// <summary>Where frames are named: <c>local</c> (on the node) or <c>none</c> (addresses and build IDs for the bridge).</summary>
    public string Symbolize { get; set; } = Cli.SymbolizeOption.Local;

    /// <summary>With <see cref="Kubernetes"/> outside a pod: the kubeconfig to use.</summary>
    public string? Kubeconfig { get; set; }
}
