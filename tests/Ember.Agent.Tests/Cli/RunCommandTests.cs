using System.Diagnostics;
using System.Globalization;
using Ember.Agent.Cli;
using Ember.Agent.Configuration;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Workloads;
using Ember.Profiles.Otlp;
using Ember.TestSupport;
using Ember.TestSupport.Otlp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent run</c> on the real kernel against <see cref="FakeOtlpReceiver"/>: the Go fixture
/// burns CPU 70% in main.hotLoop; its windows must arrive over gRPC and OTLP/HTTP.
/// </summary>
public sealed class RunCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly Lazy<Process> _workload = new(StartWorkload);
    private FakeOtlpReceiver _collector = null!;

    public async Task InitializeAsync() => _collector = await FakeOtlpReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        // Only the tests that sample start the CPU-burning workload: the machine's cores are shared.
        if (_workload.IsValueCreated)
        {
            _workload.Value.Kill();
            await _workload.Value.WaitForExitAsync();
            _workload.Value.Dispose();
        }

        await _collector.DisposeAsync();
    }

    private static Process StartWorkload()
    {
        var start = new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "120s", "-hot", "0.7" } };
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the workload");
    }

    private int WorkloadPid => _workload.Value.Id;

    private string Pid => WorkloadPid.ToString(CultureInfo.InvariantCulture);

    // 999 Hz: a 2 s window holds hundreds of samples even when the workload gets a fraction of a core,
    // so hotLoop (70% of the loops' work) is the hottest function by far more than 5σ.
    private RunOptions Request(string? endpoint = null, string? protocol = null) =>
        new() { OtlpEndpoint = endpoint, OtlpProtocol = protocol, Frequency = 999, CollectInterval = "2s", Node = "test-node", Pids = [WorkloadPid] };

    private static Task<int> ExecuteAsync(RunOptions request, Dictionary<string, string> environment, TextWriter error, CancellationToken stop) =>
        Task.Run(() => RunCommand.Execute(request, environment.GetValueOrDefault, TextWriter.Null, error, NullLoggerFactory.Instance, stop), CancellationToken.None);

    [Fact]
    public async Task Grpc_export_delivers_the_workloads_process_and_hot_function_every_window()
    {
        using var stop = new CancellationTokenSource();
        var running = ExecuteAsync(Request(_collector.GrpcEndpoint.ToString(), "grpc"), [], TextWriter.Null, stop.Token);

        Assert.True(await _collector.WaitForExportsAsync(2, Generous), "two windows did not arrive over gRPC");
        await stop.CancelAsync();

        Assert.Equal(0, await running.WaitAsync(Generous));
        AssertHotLoopOfWorkload(_collector.Requests.First(r => r.Data is not null));
        Assert.All(_collector.Requests, r => Assert.Equal(("grpc", true), (r.Protocol, r.Compressed)));
    }

    [Fact]
    public async Task Http_export_configured_by_the_standard_variables_delivers_the_workload()
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.HttpEndpoint.GetLeftPart(UriPartial.Authority),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-scope-orgid=node%20a",
        };
        using var stop = new CancellationTokenSource();
        var running = ExecuteAsync(Request(), environment, TextWriter.Null, stop.Token);

        Assert.True(await _collector.WaitForExportsAsync(1, Generous), "no window arrived over OTLP/HTTP");
        await stop.CancelAsync();

        Assert.Equal(0, await running.WaitAsync(Generous));
        AssertHotLoopOfWorkload(_collector.Requests.First(r => r.Data is not null));
        Assert.All(_collector.Requests, r => Assert.Equal(("http", "node a"), (r.Protocol, r.Headers["x-scope-orgid"])));
    }

    [Fact]
    public async Task A_receiver_answering_503_then_200_gets_every_window_exactly_once()
    {
        _collector.FailNext(FakeOtlpFailure.Unavailable);
        using var stop = new CancellationTokenSource();
        var running = ExecuteAsync(Request(_collector.HttpEndpoint.ToString(), "http/protobuf"), [], TextWriter.Null, stop.Token);

        Assert.True(await _collector.WaitForExportsAsync(3, Generous), "three windows did not arrive after the outage");
        await stop.CancelAsync();

        Assert.Equal(0, await running.WaitAsync(Generous));
        Assert.Equal("http", Assert.Single(_collector.Requests, r => r.Data is null).Protocol);

        // Each window covers its own time range, back to back: none lost to the 503, none sent twice.
        var windows = _collector.Exports.Select(e => e.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).First())
            .Select(p => (Start: (long)p.TimeUnixNano, End: (long)(p.TimeUnixNano + p.DurationNano))).ToList();
        Assert.Equal(windows.Count, windows.Select(w => w.Start).Distinct().Count());
        for (var i = 1; i < windows.Count; i++)
        {
            Assert.True(windows[i].Start >= windows[i - 1].End - 1_000_000, $"window {i} overlaps the one before: {string.Join(", ", windows)}");
            Assert.True(windows[i].Start - windows[i - 1].End < 1_500_000_000, $"a window is missing before window {i}: {string.Join(", ", windows)}");
        }
    }

    [Fact]
    public void Sigterm_flushes_the_last_window_and_exits_0()
    {
        using var agent = RunningAgent.Start(
            "run", "--pid", Pid, "--frequency", "99", "--collect-interval", "10m", "--node", "test-node", "--otlp-endpoint", _collector.GrpcEndpoint.ToString());

        // 2 s of the workload's CPU at 99 Hz: about 200 samples, hotLoop's 70% over 6σ above coldLoop's 30%.
        agent.WaitForLine("cpu sampler started", Generous);
        ProcessCpu.WaitFor(WorkloadPid, TimeSpan.FromSeconds(2), Generous);
        Assert.Empty(_collector.Requests); // the 10-minute window is still open

        Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        AssertHotLoopOfWorkload(Assert.Single(_collector.Requests));
        Assert.Contains("exported", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "carrier-pigeon", "carrier-pigeon")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "http/json")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "collector:4317")]
    public void Unusable_export_settings_are_usage_errors(string? variable, string value, string expected)
    {
        var environment = variable is null ? [] : new Dictionary<string, string> { [variable] = value };
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        var request = new RunOptions { OtlpProtocol = variable is null ? value : null, Frequency = 99, CollectInterval = "2s" };

        var exitCode = RunCommand.Execute(request, environment.GetValueOrDefault, TextWriter.Null, error, NullLoggerFactory.Instance, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--collect-interval", "often")]
    [InlineData("--frequency", "0")]
    [InlineData("--otlp-protocol", "udp")]
    public void Bad_options_exit_2(string option, string value)
    {
        var result = AgentProcess.Run("run", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(value, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_run_options()
    {
        var result = AgentProcess.Run("run", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--otlp-endpoint", "--otlp-protocol", "--frequency", "--collect-interval", "--node", "--unwind-memory", "--enable-perf-maps" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    /// <summary>Checks one accepted request with both our model and the Google.Protobuf oracle.</summary>
    private void AssertHotLoopOfWorkload(FakeOtlpRequest request)
    {
        var resource = Assert.Single(request.Data!.ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == WorkloadPid);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "host.name" && a.Value.StringValue == "test-node");
        var profile = Assert.Single(Assert.Single(resource.ScopeProfiles).Profiles);
        Assert.Contains(profile.Samples.SelectMany(s => s.Stack.Locations), l => l.Lines.Any(line => line.Function?.Name == "main.hotLoop"));

        var oracle = new OracleExport(request.Message);
        var attributes = Assert.Single(oracle.Resources);
        Assert.Equal((Pid, "test-node"), (attributes["process.pid"], attributes["host.name"]));
        var hottest = oracle.SelfSamplesByFunction().MaxBy(f => f.Value);
        Assert.Equal("main.hotLoop", hottest.Key);
    }
}
