using System.Diagnostics;
using System.Globalization;
using Ember.Bridge.Sinks.File;
using Ember.Bridge.Tests.Hosting;
using Ember.TestSupport;

namespace Ember.Bridge.Tests.EndToEnd;

/// <summary>
/// End to end on the real kernel (root): <c>ember-agent run</c> samples the Go fixture workload and
/// exports OTLP over gRPC to the bridge, whose file sink writes pprof that go tool pprof reads and
/// in which main.hotLoop is the hottest function.
/// </summary>
public sealed class AgentToBridgeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-e2e-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Agent_run_to_bridge_to_file_sink_names_the_workloads_hot_function()
    {
        await using var sink = new FileSink("file-0", _directory, 1024L * 1024 * 1024);
        await using var bridge = await TestBridge.StartAsync(sink);
        using var workload = Process.Start(new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "60s", "-hot", "0.7" } })!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            // 999 Hz: a 3 s window holds hundreds of samples even on a quarter of a core, so hotLoop
            // (70% of the loops' work, by construction) is the hottest function by far more than 5σ.
            AgentDll(), "run", "--pid", workload.Id.ToString(CultureInfo.InvariantCulture), "--frequency", "999",
            "--collect-interval", "3s", "--node", "e2e-node", "--otlp-endpoint", bridge.Host.GrpcEndpoint.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var agent = Process.Start(start)!;
        var stderr = agent.StandardError.ReadToEndAsync();
        _ = agent.StandardOutput.ReadToEndAsync();
        try
        {
            for (var i = 0; i < 600 && Directory.GetFiles(_directory, "*.pb.gz").Length == 0 && !agent.HasExited; i++)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            if (!agent.HasExited)
            {
                ExternalProcess.RunChecked("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]);
            }

            await agent.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            workload.Kill();
            await workload.WaitForExitAsync();
        }

        Assert.True(agent.ExitCode == 0, await stderr);
        var file = Directory.GetFiles(_directory, "*.pb.gz").OrderBy(f => f, StringComparer.Ordinal).First();
        var top = GoPeer.Pprof("-top", file);
        var hottest = top.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("flat", StringComparison.Ordinal)).Skip(1).First();
        Assert.Contains("main.hotLoop", hottest, StringComparison.Ordinal);
    }

    /// <summary>The agent as the suite build left it (artifacts/bin/Ember.Agent/&lt;configuration&gt;/ember-agent.dll).</summary>
    internal static string AgentDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "Ember.Agent", configuration, "ember-agent.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"ember-agent.dll ({configuration}) not found next to the test's artifacts; build Suite.sln first");
    }
}
