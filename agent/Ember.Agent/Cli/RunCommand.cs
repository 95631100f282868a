using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Ember.Agent.Configuration;
using Ember.Agent.Export;
using Ember.Agent.Hosting;
using Ember.Agent.Kubernetes;
using Ember.Agent.Output;
using Ember.Agent.Profiles;
using Ember.Agent.Sampling;
using Ember.Agent.Session;
using Ember.Agent.Telemetry;
using Ember.Otlp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>
/// <c>ember-agent run</c>, the DaemonSet mode: samples every process continuously and, every collect
/// interval, builds one OTLP profiles request and hands it to the exporter task (OTLP/gRPC or
/// OTLP/HTTP). SIGTERM or Ctrl+C flushes the last window, detaches and exits 0. Its settings are
/// layered by <see cref="RunOptionsLoader"/>; the pipeline is built by <see cref="AgentHost"/>.
/// </summary>
internal static class RunCommand
{
    /// <summary>How long shutdown waits for queued windows (a DaemonSet's grace period is 30 s).</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Windows held while the endpoint is slow: 8 × 15 s = two minutes of backlog.</summary>
    private const int QueueCapacity = 8;

    public static Command Create(TextWriter output, TextWriter error, ILoggerFactory logging)
    {
        var endpoint = new Option<string?>("--otlp-endpoint") { Description = "OTLP endpoint (default: OTEL_EXPORTER_OTLP_[PROFILES_]ENDPOINT, else http://localhost:4317 for grpc, :4318 for http/protobuf)." };
        var protocol = new Option<string?>("--otlp-protocol") { Description = "grpc|http/protobuf (default: OTEL_EXPORTER_OTLP_[PROFILES_]PROTOCOL, else grpc)." };
        var frequency = new Option<int>("--frequency") { Description = "Samples per second per CPU.", DefaultValueFactory = _ => RunOptions.DefaultFrequency };
        var interval = new Option<string>("--collect-interval") { Description = "How often a profile is built and exported: 10s, 1m.", DefaultValueFactory = _ => RunOptions.DefaultCollectInterval };
        var node = new Option<string?>("--node") { Description = "Node name, reported as host.name (default: the machine name)." };
        var pids = new Option<int[]>("--pid") { Description = "Only these processes (repeatable); default: every process.", AllowMultipleArgumentsPerToken = true };
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Watch this node's pods and add k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.container.name and k8s.node.name." };
        var namespaces = new Option<string[]>("--namespace") { Description = "With --kubernetes: profile only pods of these namespaces (repeatable).", AllowMultipleArgumentsPerToken = true };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "With --kubernetes outside a pod: the kubeconfig to use (default: in-cluster, else $KUBECONFIG or ~/.kube/config)." };
        var unwindMemory = UnwindMemoryOption.Create();
        var perfMaps = PerfMapsOption.Create();
        var symbolize = SymbolizeOption.Create();
        var config = new Option<string?>("--config")
        {
            Description = "JSON file with any of these settings (otlpEndpoint, otlpProtocol, frequency, collectInterval, node, pids, kubernetes, namespaces, kubeconfig, unwindMemory, enablePerfMaps, symbolize). " +
                $"Layers, each winning over the one before: defaults, this file, {RunOptionsLoader.EnvironmentPrefix}* variables (e.g. {RunOptionsLoader.EnvironmentPrefix}FREQUENCY=99, " +
                $"{RunOptionsLoader.EnvironmentPrefix}PIDS__0=42), flags.",
        };
        var command = new Command(
            "run",
            "Profile every process continuously and export OTLP profiles (the DaemonSet mode). " +
            $"Settings: defaults < --config file < {RunOptionsLoader.EnvironmentPrefix}* variables < flags; OTEL_EXPORTER_OTLP_* fill in what none of them sets.")
        {
            endpoint, protocol, frequency, interval, node, pids, kubernetes, namespaces, kubeconfig, unwindMemory, perfMaps, symbolize, config,
        };

        // Each flag's configuration key; list flags set one key per value (pids:0, pids:1...).
        (Option Flag, string Key, bool IsList)[] keys =
        [
            (endpoint, nameof(RunOptions.OtlpEndpoint), false), (protocol, nameof(RunOptions.OtlpProtocol), false),
            (frequency, nameof(RunOptions.Frequency), false), (interval, nameof(RunOptions.CollectInterval), false),
            (node, nameof(RunOptions.Node), false), (pids, nameof(RunOptions.Pids), true), (kubernetes, nameof(RunOptions.Kubernetes), false),
            (namespaces, nameof(RunOptions.Namespaces), true), (kubeconfig, nameof(RunOptions.Kubeconfig), false),
            (unwindMemory, nameof(RunOptions.UnwindMemory), false), (perfMaps, nameof(RunOptions.EnablePerfMaps), false),
            (symbolize, nameof(RunOptions.Symbolize), false),
        ];

        // A synchronous action on purpose: System.CommandLine gives async actions only 2 s after
        // SIGTERM before it returns 143, too little to flush; this command handles the signals itself.
        command.SetAction(result =>
        {
            RunOptions options;
            try
            {
                options = RunOptionsLoader.Load(result.GetValue(config), RunOptionsLoader.ProcessEnvironment(), TypedFlags(result, keys));
            }
            catch (AgentConfigException ex)
            {
                error.WriteLine($"ember-agent run: {ex.Message}");
                return ExitCodes.Usage;
            }

            return Execute(options, Environment.GetEnvironmentVariable, output, error, logging, CancellationToken.None);
        });
        return command;
    }

    /// <summary>The flags typed on the command line (not their defaults) as the last configuration layer.</summary>
    private static Dictionary<string, string?> TypedFlags(ParseResult result, IEnumerable<(Option Flag, string Key, bool IsList)> keys)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (flag, key, isList) in keys)
        {
            if (result.GetResult(flag) is not { Implicit: false } typed)
            {
                continue;
            }

            if (isList)
            {
                for (var i = 0; i < typed.Tokens.Count; i++)
                {
                    flags[ConfigurationPath.Combine(key, i.ToString(CultureInfo.InvariantCulture))] = typed.Tokens[i].Value;
                }
            }
            else
            {
                // A bare switch (--kubernetes) has no token: it means true.
                flags[key] = typed.Tokens.Count > 0 ? typed.Tokens[^1].Value : bool.TrueString;
            }
        }

        return flags;
    }

    internal static int Execute(RunOptions options, Func<string, string?> environment, TextWriter output, TextWriter error, ILoggerFactory logging, CancellationToken cancellation)
    {
        if (!DurationParser.TryParse(options.CollectInterval, out var interval))
        {
            error.WriteLine($"ember-agent run: invalid --collect-interval '{options.CollectInterval}'; use e.g. 10s, 1m");
            return ExitCodes.Usage;
        }

        if (options.Frequency is < 1 or > 10_000)
        {
            error.WriteLine($"ember-agent run: --frequency {options.Frequency} is outside 1..10000 Hz");
            return ExitCodes.Usage;
        }

        if (!UnwindMemoryOption.TryParse(options.UnwindMemory, out var unwindMemory, out var unwindError))
        {
            error.WriteLine($"ember-agent run: {unwindError}");
            return ExitCodes.Usage;
        }

        if (!SymbolizeOption.TryParse(options.Symbolize, out var nameOnNode))
        {
            error.WriteLine($"ember-agent run: symbolize '{options.Symbolize}' is not local or none");
            return ExitCodes.Usage;
        }

        if (options.Namespaces.Count > 0 && !options.Kubernetes)
        {
            error.WriteLine("ember-agent run: --namespace needs --kubernetes (namespaces come from the node's pods)");
            return ExitCodes.Usage;
        }

        OtlpExportOptions otlp;
        try
        {
            otlp = OtlpExportOptionsResolver.Resolve(options.OtlpEndpoint, options.OtlpProtocol, environment);
        }
        catch (OtlpConfigurationException ex)
        {
            error.WriteLine($"ember-agent run: {ex.Message}");
            return ExitCodes.Usage;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        IProcessLabels? labels = null;
        PodMetadataCache? pods = null;
        if (options.Kubernetes)
        {
            try
            {
                pods = AgentHost.StartKubernetes(options.Kubeconfig, options.Node, options.Namespaces, logging.CreateLogger("kubernetes"), stop.Token, out var podLabels);
                labels = podLabels;
            }
            catch (KubernetesApiException ex)
            {
                error.WriteLine($"ember-agent run: --kubernetes: {ex.Message}");
                return ExitCodes.Failure;
            }
        }

        using var podWatch = pods;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => StopOn(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => StopOn(context, stop));
        var logger = logging.CreateLogger("run");
        var statistics = new ExportStatistics();
        var sampling = new SamplingStatistics();
        using var metrics = new AgentMetrics(sampling, statistics);
        using var meterProvider = MetricsExport.StartIfConfigured(environment);
        var sender = AgentHost.CreateExportSender(otlp, statistics, logging, out var exporter);
        using var disposeExporter = exporter;
        using var export = ExportQueueOutput.Start(sender, QueueCapacity, statistics, logger);
        ExportLog.Started(logger, otlp.Protocol, otlp.Endpoint, interval);
        var settings = new SessionSettings(
            new CpuSamplerOptions { FrequencyHz = options.Frequency, Pids = options.Pids.ToArray(), UnwindMemory = unwindMemory },
            new ProfilingSessionOptions { Window = interval },
            options.Node ?? Environment.MachineName,
            options.EnablePerfMaps,
            nameOnNode);
        int exitCode;
        try
        {
            exitCode = AgentHost.Profile("run", settings, labels, export, sampling, logger, error, stop.Token);
        }
        finally
        {
            stop.Cancel(); // ends the pod watch too, before its client is disposed
        }

        // The session ran on this thread; the exporter task is the only thing left to wait for.
        export.Flush(FlushTimeout);
        output.WriteLine(
            $"exported {statistics.SamplesExported} samples in {statistics.Requests} requests ({statistics.Retries} retries, " +
            $"{statistics.Failures} windows failed, {statistics.QueueDrops} dropped from the queue, {statistics.RejectedProfiles} profiles rejected)");
        return exitCode;
    }

    private static void StopOn(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}
