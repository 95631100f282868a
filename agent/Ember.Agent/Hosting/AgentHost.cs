using Ember.Agent.Cli;
using Ember.Agent.Export;
using Ember.Agent.Kubernetes;
using Ember.Agent.Processes;
using Ember.Agent.Profiles;
using Ember.Agent.Python;
using Ember.Agent.Sampling;
using Ember.Agent.Session;
using Ember.Agent.Symbolization;
using Ember.Agent.Telemetry;
using Ember.Agent.Unwinding;
using Ember.Bpf;
using Ember.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Hosting;

/// <summary>
/// The agent's composition root: the one place that builds the profiling pipeline from resolved
/// settings — sampler, process tracker, symbolization, Kubernetes labels, profile builder, and the
/// export transport behind the run command's output. Commands parse and validate flags, choose an
/// output and call in here.
/// </summary>
internal static partial class AgentHost
{
    /// <summary>How long the first pod list may take before sampling starts unlabelled (labels follow).</summary>
    private static readonly TimeSpan KubernetesSyncTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Loads the sampler, runs one <see cref="ProfilingSession"/> into <paramref name="output"/> until
    /// <paramref name="stop"/> (or the session's duration) and releases everything it created.
    /// </summary>
    /// <returns>The exit code: 0, 3 for a missing privilege or kernel feature, 1 for any other failure (told on <paramref name="error"/>).</returns>
    public static int Profile(string command, SessionSettings settings, IProcessLabels? labels, IWindowOutput output, SamplingStatistics statistics, ILogger logger, TextWriter error, CancellationToken stop)
    {
        try
        {
            using var libbpfLog = LibbpfLog.RouteTo(logger);
            using var sampler = CpuSampler.Load(settings.Sampler with { DrainInterval = settings.Session.DrainInterval }, logger);
            statistics.SamplerLoaded(sampler.KernelMemoryBytes);
            LogSamplerLoaded(logger, sampler.KernelMemoryBytes >> 10, settings.Sampler.UnwindMemory.Bytes >> 10);
            // Python stacks are walked with the user stacks: no walk, no interpreter to describe.
            using var python = sampler.UnwindMaps is null ? null : new CPythonProcesses(logger);
            using var resolver = new SymbolFrameResolver(logger: logger, enablePerfMaps: settings.EnablePerfMaps, python: python, nameFiles: settings.NameOnNode);
            var session = new ProfilingSession(
                sampler,
                sampler,
                new ProcessInfoReader(),
                new StackSymbolizer(resolver),
                new CpuProfileBuilder(settings.Sampler.FrequencyHz, settings.HostName, labels),
                labels,
                output,
                settings.Session,
                statistics,
                TimeProvider.System,
                sampler.UnwindMaps is { } unwindMaps ? new UnwindTableStore(unwindMaps, logger, statistics.UnwindTablesChanged, python: python) : null);
            session.RunAsync(stop).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is BpfPermissionException or BpfNotSupportedException)
        {
            error.WriteLine($"ember-agent {command}: {ex.Message}");
            error.WriteLine("Run 'ember-agent check' for what is missing and how to fix it.");
            return ExitCodes.MissingPrivilege;
        }
        catch (Exception ex) when (ex is BpfException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ember-agent {command}: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>The OTLP transport for <paramref name="options"/> and the sender that retries on it.</summary>
    public static IExportSink CreateExportSender(OtlpExportOptions options, ExportStatistics statistics, ILoggerFactory logging, out IOtlpExporter exporter)
    {
        exporter = OtlpExporter.Create(options);
        return new ExportSender(exporter, statistics, logging.CreateLogger("export"));
    }

    /// <summary>
    /// Connects to the Kubernetes API, starts watching the node's pods and waits briefly for the first
    /// list, so the first window is already labelled.
    /// </summary>
    /// <exception cref="KubernetesApiException">No cluster to connect to (no in-cluster account, no usable kubeconfig).</exception>
    public static PodMetadataCache StartKubernetes(string? kubeconfig, string? node, IReadOnlyList<string> namespaces, ILogger logger, CancellationToken stop, out IProcessLabels labels)
    {
        var connection = KubernetesConnection.Discover(kubeconfig);
        var pods = new PodMetadataCache(connection, NodeName.Resolve(node), logger);
        _ = Task.Run(() => pods.RunAsync(stop), CancellationToken.None);
        pods.Synced.Wait(KubernetesSyncTimeout, CancellationToken.None);
        labels = new KubernetesProcessLabels(pods, new PodNamespaceFilter(pods, namespaces));
        return pods;
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "sampler loaded: BPF maps take {KernelKiB} KiB of kernel memory (unwind budget {UnwindKiB} KiB)")]
    private static partial void LogSamplerLoaded(ILogger logger, long kernelKiB, long unwindKiB);
}
