using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ember.Deploy.Tests.Support;
using Ember.TestSupport;
using k8s.Models;

namespace Ember.Deploy.Tests.Kubernetes;

public class BridgeTests
{
    /// <summary>ember-bridge's flags: DESIGN.md's command-line contract plus --config FILE.</summary>
    private static readonly HashSet<string> BridgeFlags = new(StringComparer.Ordinal) { "--grpc-listen", "--http-listen", "--sink", "--spool", "--config" };

    private static V1Deployment Deployment => Manifests.Single<V1Deployment>("ember-bridge");

    private static V1Container Bridge => Assert.Single(Deployment.Spec.Template.Spec.Containers);

    [Fact]
    public void Probes_liveness_on_healthz_and_readiness_on_readyz_at_the_http_listener()
    {
        Assert.Equal("/healthz", Bridge.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", Bridge.ReadinessProbe.HttpGet.Path);
        var http = Bridge.Ports.Single(p => p.Name == Bridge.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(http.Name, Bridge.ReadinessProbe.HttpGet.Port.Value);
        var args = Bridge.Args.ToList();
        Assert.EndsWith($":{http.ContainerPort}", args[args.IndexOf("--http-listen") + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_only_the_bridges_documented_flags_and_listens_on_all_interfaces()
    {
        var args = Bridge.Args.ToList();

        Assert.All(args.Where(a => a.StartsWith('-')), flag => Assert.Contains(flag, BridgeFlags));
        Assert.Equal("0.0.0.0:4317", args[args.IndexOf("--grpc-listen") + 1]);
        var spool = args[args.IndexOf("--spool") + 1];
        Assert.Contains(Bridge.VolumeMounts, m => m.MountPath == spool);
    }

    [Fact]
    public void The_config_file_comes_from_the_ConfigMap_and_sends_to_in_cluster_Parca_in_plaintext()
    {
        var args = Bridge.Args.ToList();
        var configPath = args[args.IndexOf("--config") + 1];
        var mount = Assert.Single(Bridge.VolumeMounts, m => configPath.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        var volume = Assert.Single(Deployment.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal("ember-bridge", volume.ConfigMap.Name);

        using var config = System.Text.Json.JsonDocument.Parse(BridgeConfigJson);
        var sink = Assert.Single(config.RootElement.GetProperty("sinks").EnumerateArray());
        Assert.StartsWith("parca:", sink.GetProperty("sink").GetString(), StringComparison.Ordinal);
        Assert.Equal("true", sink.GetProperty("options").GetProperty("insecure").GetString());
        Assert.Equal(Path.GetFileName(configPath), Assert.Single(Manifests.Single<V1ConfigMap>("ember-bridge").Data.Keys));
    }

    [Fact]
    public async Task The_real_bridge_starts_with_the_Deployments_arguments_and_config_and_answers_its_probes()
    {
        var directory = Directory.CreateTempSubdirectory("ember-deploy-bridge-").FullName;
        var config = Path.Combine(directory, "bridge.json");
        await File.WriteAllTextAsync(config, BridgeConfigJson);
        var httpPort = FreePort();

        // The pod's paths and all-interfaces listeners, moved to a temporary directory and loopback ports.
        var args = Bridge.Args.ToList();
        args[args.IndexOf("--grpc-listen") + 1] = $"127.0.0.1:{FreePort()}";
        args[args.IndexOf("--http-listen") + 1] = $"127.0.0.1:{httpPort}";
        args[args.IndexOf("--config") + 1] = config;
        args[args.IndexOf("--spool") + 1] = Path.Combine(directory, "spool");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BuiltAgent.BridgeDll);
        args.ForEach(start.ArgumentList.Add);

        using var bridge = Process.Start(start)!;
        var stderr = bridge.StandardError.ReadToEndAsync();
        _ = bridge.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        var probes = await WaitForProbesAsync(http, bridge);
        if (!bridge.HasExited)
        {
            ExternalProcess.RunChecked("kill", ["-TERM", bridge.Id.ToString(CultureInfo.InvariantCulture)]);
        }

        Assert.True(bridge.WaitForExit(TimeSpan.FromSeconds(30)), "the bridge did not stop on SIGTERM");
        Assert.True(probes, $"the probes never answered 200; exit {bridge.ExitCode}: {await stderr}");
        Assert.Equal(0, bridge.ExitCode);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<bool> WaitForProbesAsync(HttpClient http, Process bridge)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !bridge.HasExited)
        {
            try
            {
                using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                using var readyz = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (healthz.StatusCode == HttpStatusCode.OK && readyz.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The bridge.json the Deployment mounts.</summary>
    internal static string BridgeConfigJson => Manifests.Single<V1ConfigMap>("ember-bridge").Data["bridge.json"];

    [Fact]
    public void Runs_as_non_root_without_capabilities_or_an_API_token()
    {
        var pod = Deployment.Spec.Template.Spec;

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.Null(Bridge.SecurityContext.Capabilities.Add);
        Assert.NotEqual(true, pod.HostPID);
    }

    [Fact]
    public void The_Service_exposes_the_otlp_and_http_ports_of_the_pods()
    {
        var service = Manifests.Single<V1Service>("ember-bridge");

        Assert.Equal(
            Bridge.Ports.Select(p => (p.Name, p.ContainerPort)).Order(),
            service.Spec.Ports.Select(p => (Name: p.TargetPort.Value, p.Port)).Order());
    }

    [Fact]
    public void The_disruption_budget_keeps_one_of_several_replicas()
    {
        var budget = Manifests.Single<V1PodDisruptionBudget>("ember-bridge");

        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.True(Deployment.Spec.Replicas > 1);
        Assert.Equal(Deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
    }
}
