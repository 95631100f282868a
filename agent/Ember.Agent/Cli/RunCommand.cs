using System.CommandLine;
using System.Runtime.InteropServices;
using Ember.Agent.Export;
using Ember.Agent.Hosting;
using Ember.Agent.Kubernetes;
using Ember.Agent.Output;
using Ember.Agent.Profiles;
using Ember.Agent.Sampling;
using Ember.Agent.Session;
using Ember.Agent.Telemetry;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Cli;

/// <summary>
/// <c>ember-agent run</c>, the DaemonSet mode: samples every process continuously and, every collect
/// interval, builds one OTLP profiles request and hands it to the exporter task (OTLP/gRPC or
/// OTLP/HTTP). SIGTERM or Ctrl+C flushes the last window, detaches and exits 0.
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
        var frequency = new Option<int>("--frequency") { Description = "Samples per second per CPU.", DefaultValueFactory = _ => 19 };
        var interval = new Option<string>("--collect-interval") { Description = "How often a profile is built and exported: 10s, 1m.", DefaultValueFactory = _ => "15s" };
        var node = new Option<string?>("--node") { Description = "Node name, reported as host.name (default: the machine name)." };
        var pids = new Option<int[]>("--pid") { Description = "Only these processes (repeatable); default: every process.", AllowMultipleArgumentsPerToken = true };
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Watch this node's pods and add k8s.namespace.name, k8s.pod.name, k8s.pod.uid, k8s.container.name and k8s.node.name." };
        var namespaces = new Option<string[]>("--namespace") { Description = "With --kubernetes: profile only pods of these namespaces (repeatable).", AllowMultipleArgumentsPerToken = true };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "With --kubernetes outside a pod: the kubeconfig to use (default: in-cluster, else $KUBECONFIG or ~/.kube/config)." };
        var config = new Option<string?>("--config") { Description = "JSON file with any of these settings (otlpEndpoint, otlpProtocol, frequency, collectInterval, node, pids, kubernetes, namespaces, kubeconfig); flags win." };
        var command = new Command("run", "Profile every process continuously and export OTLP profiles (the DaemonSet mode).")
        {
            endpoint, protocol, frequency, interval, node, pids, kubernetes, namespaces, kubeconfig, config,
        };

        // A synchronous action on purpose: System.CommandLine gives async actions only 2 s after
        // SIGTERM before it returns 143, too little to flush; this command handles the signals itself.
        command.SetAction(result =>
        {
            RunConfigFile file;
            try
            {
                file = result.GetValue(config) is { } path ? RunConfigFile.Load(path) : new RunConfigFile();
            }
            catch (AgentConfigException ex)
            {
                error.WriteLine($"ember-agent run: {ex.Message}");
                return ExitCodes.Usage;
            }

            // A flag typed on the command line wins; otherwise the file's value; otherwise the flag's default.
            bool Typed(Option option) => result.GetResult(option) is { Implicit: false };
            T? Pick<T>(Option<T?> option, T? fromFile)
                where T : class => Typed(option) || fromFile is null ? result.GetValue(option) : fromFile;
            T PickValue<T>(Option<T> option, T? fromFile)
                where T : struct => Typed(option) || fromFile is null ? result.GetValue(option) : fromFile.Value;
            var request = new RunRequest(
                Pick(endpoint, file.OtlpEndpoint), Pick(protocol, file.OtlpProtocol), PickValue(frequency, file.Frequency),
                Pick(interval!, file.CollectInterval)!, Pick(node, file.Node), Pick(pids!, file.Pids) ?? [])
            {
                Kubernetes = PickValue(kubernetes, file.Kubernetes),
                Namespaces = Pick(namespaces!, file.Namespaces) ?? [],
                Kubeconfig = Pick(kubeconfig, file.Kubeconfig),
            };
            return Execute(request, Environment.GetEnvironmentVariable, output, error, logging, CancellationToken.None);
        });
        return command;
    }

    internal sealed record RunRequest(string? Endpoint, string? Protocol, int FrequencyHz, string CollectInterval, string? Node, IReadOnlyList<int> Pids)
    {
        public bool Kubernetes { get; init; }

        public IReadOnlyList<string> Namespaces { get; init; } = [];

        public string? Kubeconfig { get; init; }
    }

    internal static int Execute(RunRequest request, Func<string, string?> environment, TextWriter output, TextWriter error, ILoggerFactory logging, CancellationToken cancellation)
    {
        if (!DurationParser.TryParse(request.CollectInterval, out var interval))
        {
            error.WriteLine($"ember-agent run: invalid --collect-interval '{request.CollectInterval}'; use e.g. 10s, 1m");
            return ExitCodes.Usage;
        }

        if (request.FrequencyHz is < 1 or > 10_000)
        {
            error.WriteLine($"ember-agent run: --frequency {request.FrequencyHz} is outside 1..10000 Hz");
            return ExitCodes.Usage;
        }

        if (request.Namespaces.Count > 0 && !request.Kubernetes)
        {
            error.WriteLine("ember-agent run: --namespace needs --kubernetes (namespaces come from the node's pods)");
            return ExitCodes.Usage;
        }

        OtlpExportOptions options;
        try
        {
            options = OtlpExportOptionsResolver.Resolve(request.Endpoint, request.Protocol, environment);
        }
        catch (OtlpConfigurationException ex)
        {
            error.WriteLine($"ember-agent run: {ex.Message}");
            return ExitCodes.Usage;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        IProcessLabels? labels = null;
        PodMetadataCache? pods = null;
        if (request.Kubernetes)
        {
            try
            {
                pods = AgentHost.StartKubernetes(request.Kubeconfig, request.Node, request.Namespaces, logging.CreateLogger("kubernetes"), stop.Token, out var podLabels);
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
        var sender = AgentHost.CreateExportSender(options, statistics, logging, out var exporter);
        using var disposeExporter = exporter;
        using var export = ExportQueueOutput.Start(sender, QueueCapacity, statistics, logger);
        ExportLog.Started(logger, options.Protocol, options.Endpoint, interval);
        var settings = new SessionSettings(
            new CpuSamplerOptions { FrequencyHz = request.FrequencyHz, Pids = request.Pids.ToArray() },
            new ProfilingSessionOptions { Window = interval },
            request.Node ?? Environment.MachineName);
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
