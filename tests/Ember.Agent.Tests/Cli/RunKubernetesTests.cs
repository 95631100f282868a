using System.Diagnostics;
using Ember.Agent.Cli;
using Ember.Agent.Configuration;
using Ember.Agent.Tests.Kubernetes;
using Ember.TestSupport;
using Ember.TestSupport.Otlp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent run --kubernetes</c> on the real kernel, against the in-process fakes of the
/// Kubernetes API and an OTLP collector: resources carry the node's name, and --namespace leaves
/// out processes that are not in a pod of those namespaces.
/// </summary>
public sealed class RunKubernetesTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-run-k8s-").FullName;
    private FakeOtlpReceiver _collector = null!;
    private FakeKubernetesApi _api = null!;
    private Process _workload = null!;

    public async Task InitializeAsync()
    {
        _collector = await FakeOtlpReceiver.StartAsync();
        _api = await FakeKubernetesApi.StartAsync();
        _api.Put(new FakePod("shop", "checkout", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "node-1"));
        var start = new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "120s", "-hot", "0.7" } };
        _workload = Process.Start(start) ?? throw new InvalidOperationException("could not start the workload");
    }

    public async Task DisposeAsync()
    {
        _workload.Kill();
        await _workload.WaitForExitAsync();
        _workload.Dispose();
        await _api.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task Resources_carry_the_kubernetes_node_name_from_the_watched_node()
    {
        using var stop = new CancellationTokenSource();
        var running = Run([], stop.Token);

        Assert.True(await _collector.WaitForExportsAsync(1, Generous), "no window arrived");
        await stop.CancelAsync();

        Assert.Equal(0, await running.WaitAsync(Generous));
        var resource = Assert.Single(_collector.Exports[0].ResourceProfiles).Resource;
        Assert.Contains(resource.Attributes, a => a.Key == "k8s.node.name" && a.Value.StringValue == "node-1");
        Assert.Contains(_api.Requests, r => r.Query.GetValueOrDefault("fieldSelector") == "spec.nodeName=node-1");
    }

    [Fact]
    public async Task A_namespace_filter_leaves_out_processes_outside_its_pods()
    {
        using var stop = new CancellationTokenSource();
        var running = Run(["shop"], stop.Token);

        // The workload runs on the host, in no pod: three 2-second windows must export nothing.
        await Task.Delay(TimeSpan.FromSeconds(7));
        await stop.CancelAsync();

        Assert.Equal(0, await running.WaitAsync(Generous));
        Assert.Empty(_collector.Exports);
    }

    [Fact]
    public void A_namespace_without_kubernetes_is_a_usage_error()
    {
        using var error = new StringWriter();
        var request = new RunOptions { OtlpEndpoint = _collector.GrpcEndpoint.ToString(), OtlpProtocol = "grpc", Frequency = 99, CollectInterval = "2s", Node = "node-1", Pids = [_workload.Id], Namespaces = ["shop"] };

        var code = RunCommand.Execute(request, _ => null, TextWriter.Null, error, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("--namespace needs --kubernetes", error.ToString(), StringComparison.Ordinal);
    }

    private Task<int> Run(IReadOnlyList<string> namespaces, CancellationToken stop)
    {
        var kubeconfig = Path.Combine(_directory, "config");
        File.WriteAllText(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {_api.Address.ToString().TrimEnd('/')}
            users:
            - name: agent
              user:
                token: {FakeKubernetesApi.Token}
            contexts:
            - name: agent@fake
              context:
                cluster: fake
                user: agent
            current-context: agent@fake
            """);
        var request = new RunOptions
        {
            OtlpEndpoint = _collector.GrpcEndpoint.ToString(),
            OtlpProtocol = "grpc",
            Frequency = 99,
            CollectInterval = "2s",
            Node = "node-1",
            Pids = [_workload.Id],
            Kubernetes = true,
            Namespaces = namespaces,
            Kubeconfig = kubeconfig,
        };
        return Task.Run(() => RunCommand.Execute(request, _ => null, TextWriter.Null, TextWriter.Null, NullLoggerFactory.Instance, stop), CancellationToken.None);
    }
}
