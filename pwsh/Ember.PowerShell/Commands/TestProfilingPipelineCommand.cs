using System.Management.Automation;
using Ember.PowerShell.Backends;
using Ember.PowerShell.Pipeline;
using k8s.Exceptions;

namespace Ember.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Verifies a profiling pipeline end to end: agent DaemonSet, BPF load, profiles landing, symbolization, span correlation.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ProfilingPipeline", DefaultParameterSetName = PyroscopeSet)]
[OutputType(typeof(PipelineCheck))]
public sealed class TestProfilingPipelineCommand : StoreCmdlet
{
    private const string PyroscopeSet = "Pyroscope";
    private const string ParcaSet = "Parca";

    /// <summary>Error ID (-Strict): at least one check failed.</summary>
    public const string FailedError = "PipelineCheckFailed";

    /// <summary>Error ID: the kubeconfig could not be used.</summary>
    public const string KubeconfigError = "KubeconfigInvalid";

    /// <summary>Error ID: the store address or query is malformed.</summary>
    public const string InvalidArgumentError = "PipelineArgumentInvalid";

    #region Parameters

    /// <summary>The kubeconfig file; by default KUBECONFIG, ~/.kube/config or in-cluster.</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context.</summary>
    [Parameter]
    public string? Context { get; set; }

    /// <summary>Namespace of the agent DaemonSet.</summary>
    [Parameter]
    public string Namespace { get; set; } = "ember";

    /// <summary>Name of the agent DaemonSet.</summary>
    [Parameter]
    public string DaemonSet { get; set; } = "ember-agent";

    /// <summary>Runs only the backend checks.</summary>
    [Parameter]
    public SwitchParameter SkipKubernetes { get; set; }

    /// <summary>Base URL of Pyroscope.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PyroscopeSet)]
    public string Pyroscope { get; set; } = string.Empty;

    /// <summary>Address of Parca's gRPC API.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ParcaSet)]
    public string Parca { get; set; } = string.Empty;

    /// <summary>The service whose profiles must land.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Service { get; set; } = string.Empty;

    /// <summary>The label naming the service.</summary>
    [Parameter]
    public string ServiceLabel { get; set; } = "service_name";

    /// <summary>The profile type queried.</summary>
    [Parameter]
    public string ProfileType { get; set; } = "process_cpu:cpu:nanoseconds:cpu:nanoseconds";

    /// <summary>Minutes to look back.</summary>
    [Parameter]
    [ValidateRange(1, 10080)]
    public int Within { get; set; } = 15;

    /// <summary>Largest acceptable share of unsymbolized frames on the hot path.</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MaxUnknownShare { get; set; } = 0.05;

    /// <summary>A span ID whose profile must be non-empty; by default one found in the profile.</summary>
    [Parameter]
    [ValidatePattern("^[0-9a-fA-F]{16}$")]
    public string? SpanId { get; set; }

    /// <summary>Pyroscope tenant (X-Scope-OrgID).</summary>
    [Parameter(ParameterSetName = PyroscopeSet)]
    public string? Tenant { get; set; }

    /// <summary>With a host:port Parca address: plaintext instead of TLS.</summary>
    [Parameter(ParameterSetName = ParcaSet)]
    public SwitchParameter Insecure { get; set; }

    /// <summary>Any failed check is a terminating error, for CI.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    #endregion

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var checks = new List<PipelineCheck>();
        if (!SkipKubernetes)
        {
            checks.AddRange(RunKubernetesChecks());
        }

        IProfileStore store;
        ProfileQuery query;
        try
        {
            query = ProfileQuery.Parse(ProfileType).With(ServiceLabel, Service);
            store = ProfileStores.Create(ParameterSetName == PyroscopeSet ? Pyroscope : null, ParameterSetName == ParcaSet ? Parca : null,
                new StoreOptions(Tenant, ResolveBearerToken(), Insecure));
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(e, InvalidArgumentError, ErrorCategory.InvalidArgument, ParameterSetName == PyroscopeSet ? Pyroscope : Parca);
            return;
        }

        using (store)
        {
            var backend = new BackendChecks(store, query, TimeSpan.FromMinutes(Within), MaxUnknownShare, SpanId);
            WriteVerbose($"querying {store.Name} for {query}");
            checks.AddRange(Await(backend.RunAsync));
        }

        WriteObject(checks, enumerateCollection: true);
        var failed = checks.Where(static c => !c.Passed).ToList();
        if (Strict && failed.Count > 0)
        {
            var message = $"{failed.Count} of {checks.Count} pipeline checks failed: " + string.Join("; ", failed.Select(static c => $"{c.Name}: {c.Detail}. {c.Remedy}"));
            ThrowTerminatingError(new InvalidOperationException(message), FailedError, ErrorCategory.InvalidResult, failed);
        }
    }

    private IReadOnlyList<PipelineCheck> RunKubernetesChecks()
    {
        k8s.Kubernetes client;
        try
        {
            client = KubernetesChecks.Connect(Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig), Context);
        }
        catch (KubeConfigException e)
        {
            ThrowTerminatingError(e, KubeconfigError, ErrorCategory.InvalidArgument, Kubeconfig);
            return [];
        }

        using (client)
        {
            WriteVerbose($"reading daemonset {Namespace}/{DaemonSet} from {client.BaseUri}");
            try
            {
                return Await(new KubernetesChecks(client, Namespace, DaemonSet).RunAsync);
            }
            catch (HttpRequestException e)
            {
                var remedy = $"The Kubernetes API at {client.BaseUri} is unreachable: check the kubeconfig's server and the network.";
                return [PipelineCheck.Fail(KubernetesChecks.DaemonSetCheck, e.Message, remedy), PipelineCheck.Fail(KubernetesChecks.AgentLogsCheck, "skipped", remedy)];
            }
        }
    }
}
