using System.Management.Automation;
using Ember.PowerShell.Tests.Fakes;
using Ember.PowerShell.Tests.Module;

namespace Ember.PowerShell.Tests.Pipeline;

public sealed class TestProfilingPipelineTests : IAsyncLifetime, IDisposable
{
    private const string Loaded = "info: Ember.Agent.Sampling.CpuSampler[1]\n      cpu sampler started on 2 cpus at 19 Hz\n";
    private readonly ModuleHost _host = new();
    private FakeKubernetesApi _kube = null!;
    private FakePyroscope _pyroscope = null!;

    public async Task InitializeAsync()
    {
        _kube = await FakeKubernetesApi.StartAsync();
        _pyroscope = await FakePyroscope.StartAsync();
        _kube.PodLogs["ember-agent-a1"] = Loaded;
        _kube.PodLogs["ember-agent-b2"] = Loaded;
    }

    [Fact]
    public void A_healthy_pipeline_passes_every_check()
    {
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        var checks = Run("-Tenant team-a");

        Assert.Equal(["DaemonSet", "AgentLogs", "ProfilesLanded", "Symbolization", "SpanCorrelation"], checks.Select(c => Invocation.Property<string>(c, "Name")));
        Assert.All(checks, c => Assert.True(Invocation.Property<bool>(c, "Passed"), Invocation.Property<string>(c, "Detail")));
        Assert.All(checks, c => Assert.Equal("", Invocation.Property<string>(c, "Remedy")));
        Assert.Equal("ember/ember-agent: desired 2, current 2, ready 2", Invocation.Property<string>(checks[0], "Detail"));
        Assert.Contains("span 00f067aa0ba902b7: 100000000", Invocation.Property<string>(checks[4], "Detail"), StringComparison.Ordinal);
        Assert.All(_kube.Authorizations, a => Assert.Equal("Bearer " + FakeKubernetesApi.Token, a));
        var merge = _pyroscope.Queries.First(q => q.Method == "SelectMergeProfile");
        Assert.Equal(PipelineProfiles.CpuType, merge.ProfileType);
        Assert.Equal("{service_name=\"checkout\"}", merge.Selector);
        Assert.Equal(15 * 60 * 1000, merge.EndMs - merge.StartMs);
        Assert.Equal("team-a", merge.Tenant);
        Assert.Equal([PipelineProfiles.Span], _pyroscope.Queries.Single(q => q.Method == "SelectMergeSpanProfile").Spans);
    }

    [Fact]
    public void A_DaemonSet_with_pods_not_ready_fails_with_a_describe_remedy()
    {
        _kube.Status = (3, 3, 2);
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        var check = Check(Run(), "DaemonSet");

        Assert.False(Invocation.Property<bool>(check, "Passed"));
        Assert.Equal("ember/ember-agent: desired 3, current 3, ready 2", Invocation.Property<string>(check, "Detail"));
        Assert.Contains("kubectl -n ember describe ds ember-agent", Invocation.Property<string>(check, "Remedy"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_DaemonSet_fails_both_cluster_checks()
    {
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        var checks = Run("-DaemonSet alloy-profiler");

        Assert.False(Invocation.Property<bool>(Check(checks, "DaemonSet"), "Passed"));
        Assert.Contains("HTTP 404", Invocation.Property<string>(Check(checks, "DaemonSet"), "Detail"), StringComparison.Ordinal);
        Assert.False(Invocation.Property<bool>(Check(checks, "AgentLogs"), "Passed"));
    }

    [Fact]
    public void A_permission_error_in_an_agent_log_names_CAP_BPF_and_CAP_PERFMON()
    {
        _kube.PodLogs["ember-agent-b2"] = "fail: Ember.Agent[0]\n      loading the BPF program failed: bpf(BPF_PROG_LOAD): Operation not permitted\n";
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        var check = Check(Run(), "AgentLogs");

        Assert.False(Invocation.Property<bool>(check, "Passed"));
        Assert.Contains("ember-agent-b2", Invocation.Property<string>(check, "Detail"), StringComparison.Ordinal);
        Assert.DoesNotContain("ember-agent-a1", Invocation.Property<string>(check, "Detail"), StringComparison.Ordinal);
        Assert.Contains("CAP_BPF/CAP_PERFMON", Invocation.Property<string>(check, "Remedy"), StringComparison.Ordinal);
        Assert.Contains("kernel is too old", Invocation.Property<string>(check, "Remedy"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_without_the_load_message_fails()
    {
        _kube.PodLogs["ember-agent-b2"] = "info: starting\n";
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        var check = Check(Run(), "AgentLogs");

        Assert.False(Invocation.Property<bool>(check, "Passed"));
        Assert.Contains("no BPF load message", Invocation.Property<string>(check, "Detail"), StringComparison.Ordinal);
    }

    [Fact]
    public void No_profiles_for_the_service_fails_landing_and_the_checks_that_need_a_profile()
    {
        _pyroscope.Series.Add(PipelineProfiles.Checkout(service: "payments"));

        var checks = Run();

        Assert.True(Invocation.Property<bool>(Check(checks, "DaemonSet"), "Passed"));
        var landed = Check(checks, "ProfilesLanded");
        Assert.False(Invocation.Property<bool>(landed, "Passed"));
        Assert.Contains("no process_cpu:cpu:nanoseconds:cpu:nanoseconds{service_name=\"checkout\"} samples in the last 15 minutes", Invocation.Property<string>(landed, "Detail"), StringComparison.Ordinal);
        Assert.Contains("export endpoint", Invocation.Property<string>(landed, "Remedy"), StringComparison.Ordinal);
        Assert.False(Invocation.Property<bool>(Check(checks, "Symbolization"), "Passed"));
    }

    [Fact]
    public void Hex_frames_on_the_hot_path_fail_with_the_build_id_and_the_debug_info_remedy()
    {
        _pyroscope.Series.Add(PipelineProfiles.HalfHex());

        var checks = Run("-MaxUnknownShare 0.2");

        var check = Check(checks, "Symbolization");
        Assert.False(Invocation.Property<bool>(check, "Passed"));
        Assert.Contains("50.0% of the hot path", Invocation.Property<string>(check, "Detail"), StringComparison.Ordinal);
        Assert.Contains("4fa1c0ffee (/usr/lib/libcrypto.so.3)", Invocation.Property<string>(check, "Detail"), StringComparison.Ordinal);
        Assert.Contains("no debug info in debuginfod/Parca", Invocation.Property<string>(check, "Remedy"), StringComparison.Ordinal);
        Assert.True(Invocation.Property<bool>(Check(Run("-MaxUnknownShare 0.5"), "Symbolization"), "Passed"));
    }

    [Fact]
    public void Span_correlation_fails_without_span_labels_and_for_a_span_with_no_samples()
    {
        _pyroscope.Series.Add(PipelineProfiles.HalfHex());

        var unlabelled = Check(Run(), "SpanCorrelation");
        Assert.False(Invocation.Property<bool>(unlabelled, "Passed"));
        Assert.Contains("no -SpanId given", Invocation.Property<string>(unlabelled, "Detail"), StringComparison.Ordinal);
        Assert.Contains("span_id", Invocation.Property<string>(unlabelled, "Remedy"), StringComparison.Ordinal);

        var empty = Check(Run("-SpanId 1111222233334444"), "SpanCorrelation");
        Assert.False(Invocation.Property<bool>(empty, "Passed"));
        Assert.Equal("the profile of span 1111222233334444 is empty", Invocation.Property<string>(empty, "Detail"));
    }

    [Fact]
    public void Strict_turns_a_failed_check_into_a_terminating_error_naming_it()
    {
        _kube.Status = (2, 2, 1);
        _pyroscope.Series.Add(PipelineProfiles.Checkout());

        // The checks are written, then the statement ends with the error.
        var result = _host.Run(Command("-Strict"));
        Assert.Equal(5, result.Output.Count);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PipelineCheckFailed,Ember.PowerShell.Commands.TestProfilingPipelineCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidResult, error.CategoryInfo.Category);
        Assert.Contains("DaemonSet: ember/ember-agent: desired 2, current 2, ready 1", error.Exception.Message, StringComparison.Ordinal);

        // Under -ErrorAction Stop, as CI runs scripts, it ends the script: nothing after it runs.
        var stopped = _host.Run("$ErrorActionPreference = 'Stop'; " + Command("-Strict") + "; 'not reached'");
        Assert.IsAssignableFrom<RuntimeException>(stopped.Terminating);
        Assert.DoesNotContain(stopped.Output, o => o.BaseObject is string);

        _kube.Status = (2, 2, 2);
        Assert.Null(_host.Run(Command("-Strict")).Terminating);
    }

    [Fact]
    public void An_unreachable_store_fails_the_backend_checks_with_a_network_remedy()
    {
        var checks = _host.Run($"Test-ProfilingPipeline -Pyroscope http://127.0.0.1:9 -Service checkout -SkipKubernetes").ThrowOnErrors().Output;

        Assert.Equal(["ProfilesLanded", "Symbolization", "SpanCorrelation"], checks.Select(c => Invocation.Property<string>(c, "Name")));
        Assert.All(checks, c => Assert.False(Invocation.Property<bool>(c, "Passed")));
        Assert.Contains("unreachable", Invocation.Property<string>(checks[0], "Remedy"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_API_server_fails_the_cluster_checks_and_a_bad_kubeconfig_is_a_terminating_error()
    {
        _pyroscope.Series.Add(PipelineProfiles.Checkout());
        var kubeconfig = Path.GetTempFileName();
        // Port 9 (discard) has no listener on loopback.
        File.WriteAllText(kubeconfig, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(_kube.KubeconfigPath), @"127\.0\.0\.1:\d+", "127.0.0.1:9"));

        var checks = _host.Run($"Test-ProfilingPipeline -Kubeconfig '{kubeconfig}' -Pyroscope '{_pyroscope.Address}' -Service checkout").ThrowOnErrors().Output;

        Assert.False(Invocation.Property<bool>(Check(checks, "DaemonSet"), "Passed"));
        Assert.Contains("unreachable", Invocation.Property<string>(Check(checks, "DaemonSet"), "Remedy"), StringComparison.Ordinal);
        Assert.True(Invocation.Property<bool>(Check(checks, "ProfilesLanded"), "Passed"));

        var bad = _host.Run($"Test-ProfilingPipeline -Kubeconfig '{kubeconfig}' -Context nope -Pyroscope '{_pyroscope.Address}' -Service checkout");
        Assert.Empty(bad.Output);
        var error = Assert.Single(bad.Errors);
        Assert.Equal("KubeconfigInvalid,Ember.PowerShell.Commands.TestProfilingPipelineCommand", error.FullyQualifiedErrorId);
        File.Delete(kubeconfig);
    }

    [Fact]
    public async Task Parca_backend_passes_the_backend_checks_over_gRPC()
    {
        await using var parca = await FakeParca.StartAsync();
        const string parcaType = "parca_agent:samples:count:cpu:nanoseconds:delta";
        parca.Series.Add(PipelineProfiles.Checkout(profileType: parcaType));
        var tokenFile = Path.GetTempFileName();
        File.WriteAllText(tokenFile, "s3cret\n"); // as a mounted Kubernetes secret often ends

        var checks = _host.Run($"Test-ProfilingPipeline -Parca '{parca.Address}' -Service checkout -ProfileType '{parcaType}' -SkipKubernetes -BearerTokenFile '{tokenFile}'").ThrowOnErrors().Output;

        Assert.All(checks, c => Assert.True(Invocation.Property<bool>(c, "Passed"), Invocation.Property<string>(c, "Detail")));
        Assert.Equal(3, checks.Count);
        Assert.Contains(parca.Queries, q => q.Request.Merge.Query == parcaType + "{service_name=\"checkout\",span_id=\"00f067aa0ba902b7\"}");
        Assert.All(parca.Queries, q => Assert.Equal("Bearer s3cret", q.Authorization));
        File.Delete(tokenFile);
    }

    private string Command(string extra) =>
        $"Test-ProfilingPipeline -Kubeconfig '{_kube.KubeconfigPath}' -Pyroscope '{_pyroscope.Address}' -Service checkout {extra}";

    private IReadOnlyList<PSObject> Run(string extra = "") => _host.Run(Command(extra)).ThrowOnErrors().Output;

    private static PSObject Check(IReadOnlyList<PSObject> checks, string name) => checks.Single(c => Invocation.Property<string>(c, "Name") == name);

    public void Dispose() => _host.Dispose();

    public async Task DisposeAsync()
    {
        await _kube.DisposeAsync();
        await _pyroscope.DisposeAsync();
    }
}
