using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;

namespace Ember.PowerShell.Pipeline;

/// <summary>
/// Verify steps 1 and 2 against the Kubernetes API: the agent DaemonSet's desired, current and ready
/// counts agree, and every agent pod's log shows the BPF program loaded without a permission error.
/// </summary>
internal sealed partial class KubernetesChecks(IKubernetes client, string @namespace, string daemonSet)
{
    public const string DaemonSetCheck = "DaemonSet";
    public const string AgentLogsCheck = "AgentLogs";
    private const int LogLines = 2000;

    /// <summary>The client for a kubeconfig (and context), or the default: KUBECONFIG, ~/.kube/config, in-cluster.</summary>
    /// <exception cref="KubeConfigException">The kubeconfig is missing or invalid.</exception>
    public static Kubernetes Connect(string? kubeconfig, string? context)
    {
        var config = kubeconfig is not null || context is not null
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, context)
            : KubernetesClientConfiguration.BuildDefaultConfig();
        return new Kubernetes(config);
    }

    public async Task<IReadOnlyList<PipelineCheck>> RunAsync(CancellationToken cancellationToken)
    {
        k8s.Models.V1DaemonSet set;
        try
        {
            set = await client.AppsV1.ReadNamespacedDaemonSetAsync(daemonSet, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            var detail = $"cannot read daemonset {@namespace}/{daemonSet}: HTTP {(int)e.Response.StatusCode}";
            var remedy = e.Response.StatusCode == System.Net.HttpStatusCode.NotFound
                ? $"Deploy the agent DaemonSet (deploy/), or pass -Namespace/-DaemonSet naming it."
                : "Check the kubeconfig's credentials: they need get on daemonsets and get/list on pods and pods/log.";
            return [PipelineCheck.Fail(DaemonSetCheck, detail, remedy), PipelineCheck.Fail(AgentLogsCheck, "skipped: the DaemonSet could not be read", remedy)];
        }

        return [CheckCounts(set), await CheckLogsAsync(set, cancellationToken).ConfigureAwait(false)];
    }

    private PipelineCheck CheckCounts(k8s.Models.V1DaemonSet set)
    {
        var status = set.Status;
        var (desired, current, ready) = (status?.DesiredNumberScheduled ?? 0, status?.CurrentNumberScheduled ?? 0, status?.NumberReady ?? 0);
        var detail = $"{@namespace}/{daemonSet}: desired {desired}, current {current}, ready {ready}";
        return desired > 0 && desired == current && current == ready
            ? PipelineCheck.Pass(DaemonSetCheck, detail)
            : PipelineCheck.Fail(DaemonSetCheck, detail, desired == 0
                ? "No node is scheduled: check the DaemonSet's nodeSelector, affinity and tolerations."
                : $"Not every agent pod is running and ready: kubectl -n {@namespace} describe ds {daemonSet}, then the events and logs of the pods that are not ready (image pull, resources, a failing ember-agent check).");
    }

    private async Task<PipelineCheck> CheckLogsAsync(k8s.Models.V1DaemonSet set, CancellationToken cancellationToken)
    {
        var selector = string.Join(",", (set.Spec?.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(static kv => $"{kv.Key}={kv.Value}"));
        var pods = await client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: selector, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (pods.Items.Count == 0)
        {
            return PipelineCheck.Fail(AgentLogsCheck, $"no pods match the DaemonSet's selector {selector}", Remedies.NotLoaded);
        }

        var notLoaded = new List<string>();
        var denied = new List<string>();
        foreach (var pod in pods.Items)
        {
            var name = pod.Metadata.Name;
            var stream = await client.CoreV1.ReadNamespacedPodLogAsync(name, @namespace, tailLines: LogLines, cancellationToken: cancellationToken).ConfigureAwait(false);
            string log;
            using (var reader = new StreamReader(stream))
            {
                log = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            if (PermissionError().Match(log) is { Success: true } match)
            {
                denied.Add($"{name}: \"{match.Value.Trim()}\"");
            }
            else if (!Loaded().IsMatch(log))
            {
                notLoaded.Add(name);
            }
        }

        if (denied.Count > 0)
        {
            return PipelineCheck.Fail(AgentLogsCheck, "permission error in " + string.Join("; ", denied), Remedies.PermissionError);
        }

        return notLoaded.Count > 0
            ? PipelineCheck.Fail(AgentLogsCheck, $"no BPF load message in the last {LogLines} log lines of {string.Join(", ", notLoaded)}", Remedies.NotLoaded)
            : PipelineCheck.Pass(AgentLogsCheck, $"the BPF program loaded in all {pods.Items.Count} agent pods");
    }

    /// <summary>A failed BPF or perf_event call for lack of privilege, as libbpf, the kernel and ember-agent word it.</summary>
    [GeneratedRegex(@"^.*(operation not permitted|permission denied|EPERM|EACCES|missing CAP_BPF|CAP_PERFMON).*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex PermissionError();

    /// <summary>ember-agent's "cpu sampler started", or another agent's eBPF/perf_event "loaded" line.</summary>
    [GeneratedRegex(@"cpu sampler started|(ebpf|bpf|perf_event).*\bloaded\b|\bloaded\b.*(ebpf|bpf)", RegexOptions.IgnoreCase)]
    private static partial Regex Loaded();
}
