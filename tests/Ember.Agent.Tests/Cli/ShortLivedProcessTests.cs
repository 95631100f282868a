using System.Globalization;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Workloads;
using Xunit.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// Processes that come and go inside one window: the kernel announces each on its first sample, and
/// the agent captures its name, mappings and binary while it lives, so it is named though it exited
/// long before the window was built. The truth is known by construction: the test started every pid,
/// and each burns 200 ms of its own CPU time in burn_cpu called from main.
/// </summary>
public sealed class ShortLivedProcessTests(ITestOutputHelper log) : IDisposable
{
    private const int ProcessCount = 50;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-short-lived-").FullName;

    [Fact]
    public void Fifty_processes_that_live_200_ms_inside_one_window_are_all_named_with_their_callers()
    {
        var output = Path.Combine(_directory, "short-lived.otlp");
        // One window of up to ten minutes: every process below starts and exits inside it.
        using var agent = RunningAgent.Start("record", "--duration", "10m", "--frequency", "99", "--output", output);
        agent.WaitForLine("cpu sampler started", Generous);
        var pids = new List<long>();
        for (var i = 0; i < ProcessCount; i++)
        {
            using var process = FixtureWorkloads.StartShortLived(Lifetime);
            Assert.True(process.WaitForExit(Generous), "a short-lived process did not end");
            Assert.Equal(0, process.ExitCode);
            pids.Add(process.Id);
        }

        Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        var export = new OracleExport(File.ReadAllBytes(output));
        var resources = export.Resources.ToDictionary(r => long.Parse(r["process.pid"], CultureInfo.InvariantCulture));
        var stacks = export.StacksByPid();

        // 200 ms of CPU at 99 Hz is about 20 samples a process (Poisson: none at all has odds of e^-20).
        var missing = pids.Where(pid => !stacks.ContainsKey(pid)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {ProcessCount} processes have no samples: {string.Join(", ", missing)}");
        // The thread name the kernel records with each sample is short-lived too; only a process read
        // while it lived has its executable's path, which /proc/PID/exe gives and the kernel does not.
        var unread = pids.Where(pid => resources[pid].GetValueOrDefault("process.executable.path") != FixtureWorkloads.ShortLivedPath).ToList();
        Assert.True(unread.Count == 0, $"{unread.Count} of {ProcessCount} processes were not read while they lived: "
            + string.Join(", ", unread.Select(pid => $"{pid}, the {pids.IndexOf(pid) + 1}th ({string.Join(' ', resources[pid].Select(a => $"{a.Key}={a.Value}"))}; {Describe(stacks[pid])})")) + "\n" + agent.Output);
        Assert.All(pids, pid => Assert.Equal("short-lived", resources[pid]["process.executable.name"]));

        // Each process spends all but its start-up and exit in burn_cpu: at least one sample of every
        // process, and 95% of all their samples with a user stack, carry burn_cpu called from main.
        var withUserStack = 0L;
        var complete = 0L;
        var nameless = new List<string>();
        foreach (var pid in pids)
        {
            var user = stacks[pid].Where(s => s.Frames.Any(f => f.FrameType != "kernel")).ToList();
            var named = user.Where(s => FixtureWorkloads.IsShortLivedWork(s.Frames.Select(f => f.Name))).Sum(s => s.Count);
            if (named == 0)
            {
                nameless.Add($"{pid} ({user.Sum(s => s.Count)} samples: {Describe(user)})");
            }

            withUserStack += user.Sum(s => s.Count);
            complete += named;
        }

        log.WriteLine($"{complete} of {withUserStack} samples of {ProcessCount} short-lived processes named burn_cpu <- main");
        Assert.True(nameless.Count == 0, $"{nameless.Count} processes have no sample named burn_cpu <- main: {string.Join("; ", nameless)}");
        Assert.True(complete >= 0.95 * withUserStack, $"only {complete} of {withUserStack} samples are named burn_cpu <- main");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Describe(IEnumerable<(long Count, (string Name, string FrameType)[] Frames)> stacks) =>
        string.Join(" | ", stacks.Take(3).Select(s => string.Join(" <- ", s.Frames.Select(f => f.Name))));
}
