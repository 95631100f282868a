using System.Diagnostics;
using System.Globalization;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Python;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;
using Xunit.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent record</c> on real CPython processes (3.10 to 3.13) started without any flag: Python functions
/// named from the interpreter's own frames (profile.frame.type cpython), in the ratio the workload
/// has by construction, under their callers, above the C code they call, and for a process that
/// starts after the agent and exits before the next drain.
/// </summary>
public sealed class PythonStackTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-python-").FullName;
    private readonly List<Process> _workloads = [];

    [Theory]
    [InlineData("3.10")]
    [InlineData("3.11")]
    [InlineData("3.12")]
    [InlineData("3.13")]
    public void Two_python_functions_get_their_3_to_1_split_under_their_caller(string version)
    {
        var workload = StartPython("ratio.py", version);
        var stacks = Record(workload, TimeSpan.FromSeconds(4));

        var three = Samples(stacks, s => s.Frames.Any(f => f.Name == "hot_three" && f.FrameType == "cpython"));
        var one = Samples(stacks, s => s.Frames.Any(f => f.Name == "hot_one" && f.FrameType == "cpython"));
        Assert.True(three + one >= SampleShare.SamplesFor(0.75, 0.06), $"only {three + one} samples in the two functions of {Samples(stacks, _ => true)}");
        var (low, high) = SampleShare.Bounds(0.75, three + one);
        var share = (double)three / (three + one);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CPython {version}: hot_three share {share:F4} of {three + one} samples, bounds {low:F4}..{high:F4}"));
        Assert.InRange(share, low, high);

        // Leaf first: the hot function, then its caller, then the module, all above the outermost interpreter loop.
        var hot = stacks.Where(s => s.Frames.Any(f => f.Name is "hot_three" or "hot_one")).ToList();
        var caller = version == "3.10" ? "caller" : "Runner.caller"; // 3.10 has no qualified names
        var chained = Samples(hot, s => Python(s) is [_, var c, "<module>"] && c == caller
            && Array.FindIndex(s.Frames, f => f.Name == "<module>") < Array.FindLastIndex(s.Frames, f => f.Name == "_PyEval_EvalFrameDefault"));
        Assert.True(chained >= 0.95 * Samples(hot, _ => true), $"only {chained} of {Samples(hot, _ => true)} hot samples carry hot_* <- {caller} <- <module> above the interpreter loop");
    }

    [Fact]
    public void A_c_extension_called_from_python_sits_under_its_python_caller()
    {
        var workload = StartPython("hashing.py", "3.11");
        var stacks = Record(workload, TimeSpan.FromSeconds(2));

        // hashlib's C code (libcrypto's SHA256_Update, under Debian's stripped _hashlib module) below digest_loop.
        var underCaller = Samples(stacks, s =>
        {
            var sha = Array.FindIndex(s.Frames, f => f.Name == "SHA256_Update");
            var caller = Array.FindIndex(s.Frames, f => f.Name == "digest_loop" && f.FrameType == "cpython");
            return sha >= 0 && caller > sha + 1;
        });
        var total = Samples(stacks, _ => true);
        log.WriteLine($"{underCaller} of {total} samples: SHA256_Update <- _hashlib <- digest_loop");
        Assert.True(underCaller >= 0.5 * total, $"{underCaller} of {total} samples have SHA256_Update <- _hashlib <- digest_loop");
    }

    [Fact]
    public void A_python_process_that_starts_after_the_agent_and_exits_before_the_next_drain_is_named()
    {
        var output = Path.Combine(_directory, "brief.otlp");
        int pid;
        using (var agent = RunningAgent.Start("record", "--duration", "10m", "--frequency", "99", "--output", output))
        {
            agent.WaitForLine("cpu sampler started", Generous);
            var brief = StartPython("brief.py", "3.11");
            pid = brief.Id;
            Assert.True(brief.WaitForExit(Generous), "brief.py did not exit");
            Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        }

        var stacks = new OracleExport(File.ReadAllBytes(output)).StacksByPid().GetValueOrDefault(pid, []);
        var total = stacks.Sum(s => s.Count);
        var named = stacks.Where(s => s.Frames.Any(f => f.Name == "brief_hot" && f.FrameType == "cpython")).Sum(s => s.Count);
        log.WriteLine($"{named} of {total} samples of the exited process name brief_hot");
        // 1.5 s of CPU at 99 Hz: about 150 samples, all but the interpreter's start-up in brief_hot.
        Assert.True(total >= 50, $"only {total} samples of the brief process");
        Assert.True(named >= 0.8 * total, $"{named} of {total} samples of the exited process name brief_hot");
    }

    public void Dispose()
    {
        foreach (var workload in _workloads)
        {
            if (!workload.HasExited)
            {
                workload.Kill();
                workload.WaitForExit();
            }

            workload.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static long Samples(IEnumerable<(long Count, (string Name, string FrameType)[] Frames)> stacks, Func<(long Count, (string Name, string FrameType)[] Frames), bool> where) =>
        stacks.Where(where).Sum(s => s.Count);

    /// <summary>A stack's Python frames, leaf first.</summary>
    private static string[] Python((long Count, (string Name, string FrameType)[] Frames) stack) =>
        stack.Frames.Where(f => f.FrameType == "cpython").Select(f => f.Name).ToArray();

    /// <summary>
    /// CPython <paramref name="version"/> (<see cref="Interpreters"/>; no -X perf, nothing set) running a
    /// fixture, without site (-S -I: its start-up imports are not what is measured); the long-running
    /// ones say "ready" first.
    /// </summary>
    private Process StartPython(string fixture, string version)
    {
        var start = new ProcessStartInfo(Interpreters.Of(version)) { RedirectStandardOutput = true, ArgumentList = { "-S", "-I" } };
        start.ArgumentList.Add(Path.Combine(GoPeer.FixtureDirectory("python-hot"), fixture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start python3");
        _workloads.Add(process);
        return process;
    }

    /// <summary>Records <paramref name="workload"/> once it is ready, for <paramref name="cpu"/> of its CPU time at 999 Hz.</summary>
    private List<(long Count, (string Name, string FrameType)[] Frames)> Record(Process workload, TimeSpan cpu)
    {
        Assert.Equal("ready", workload.StandardOutput.ReadLine());
        var output = Path.Combine(_directory, "python.otlp");
        using (var agent = RunningAgent.Start("record", "--pid", workload.Id.ToString(CultureInfo.InvariantCulture), "--duration", "10m", "--frequency", "999", "--output", output))
        {
            agent.WaitForLine("cpu sampler started", Generous);
            ProcessCpu.WaitFor(workload.Id, cpu, Generous);
            Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        }

        return new OracleExport(File.ReadAllBytes(output)).StacksByPid().GetValueOrDefault(workload.Id, []);
    }
}
