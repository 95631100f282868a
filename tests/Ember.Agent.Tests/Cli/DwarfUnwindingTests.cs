using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;
using Ember.TestSupport.Perf;
using Xunit.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// The agent's user stacks measured against the real <c>perf record --call-graph dwarf</c>, which
/// unwinds from .eh_frame, sampling the same process on the same clock (cpu-clock, 99 Hz) over the
/// same span: the agent's window encloses perf's, which is switched on once the agent's sampler runs
/// and off before the agent stops. The span is 8 s of the workload's own CPU time, so a busy machine
/// lengthens the test rather than thinning the samples. Stacks are compared with
/// <see cref="StackAgreement"/>: user frames only (the kernel part is not what either unwinder walks
/// from .eh_frame), names only.
/// </summary>
public sealed class DwarfUnwindingTests(ITestOutputHelper log) : IDisposable
{
    private const double MinimumAgreement = 0.90;
    private const double MinimumChainShare = 0.95;
    private const string PythonLoop = """
        def leaf(n):
            total = 0
            for i in range(n):
                total += i * i % 7
            return total

        def middle(n):
            return leaf(n) + leaf(n // 2)

        def outer():
            while True:
                middle(2000)

        outer()
        """;

    private static readonly TimeSpan Span = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan WorkloadLifetime = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-dwarf-").FullName;
    private readonly List<Process> _workloads = [];
    private readonly CancellationTokenSource _stopFeeding = new();

    [Fact]
    public void Frame_pointer_control_agent_and_perf_agree_on_the_stacks()
    {
        var (agent, perf) = Profile(Track(FixtureWorkloads.StartNativeRatio(WorkloadLifetime)));

        AssertAgreement(agent, perf);
    }

    [Fact]
    public void A_binary_without_frame_pointers_is_unwound_up_to_main()
    {
        AssertOnlyTheVlaFunctionSetsUpAFramePointer();
        var (agent, perf) = Profile(Track(FixtureWorkloads.StartNoFramePointers(WorkloadLifetime)));

        var chain = FixtureWorkloads.NoFramePointersChain;
        var perfShare = StackAgreement.ChainShare(perf, chain);
        var agentShare = StackAgreement.ChainShare(agent, chain);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full chain {string.Join(" <- ", chain)}: agent {agentShare:P1} of {agent.Sum(s => s.Count)}, perf {perfShare:P1} of {perf.Sum(s => s.Count)} samples"));
        log.WriteLine(StackAgreement.Compare(agent, perf).Describe("agent", "perf"));
        Assert.True(perfShare >= MinimumChainShare, $"perf itself unwinds only {perfShare:P1} of its samples through the whole chain: the fixture is wrong\n{Top(perf)}");
        Assert.True(agentShare >= MinimumChainShare, $"the agent unwinds only {agentShare:P1} of its samples through the whole chain (perf: {perfShare:P1})\n{Top(agent)}");
    }

    [Fact]
    public void With_unwind_memory_0_the_same_binary_is_walked_by_frame_pointers_and_loses_its_chain()
    {
        var workload = Track(FixtureWorkloads.StartNoFramePointers(WorkloadLifetime));
        var output = Path.Combine(_directory, "fp-only.otlp");
        using (var agent = RunningAgent.Start("record", "--pid", workload.Id.ToString(CultureInfo.InvariantCulture), "--duration", "10m", "--frequency", "99", "--unwind-memory", "0", "--output", output))
        {
            agent.WaitForLine("cpu sampler started", Generous);
            ProcessCpu.WaitFor(workload.Id, TimeSpan.FromSeconds(3), Generous);
            Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        }

        var stacks = new OracleExport(File.ReadAllBytes(output)).StacksByPid().GetValueOrDefault(workload.Id, [])
            .Select(s => new WeightedStack(s.Count, s.Frames.Where(f => f.FrameType != "kernel").Select(f => (string?)f.Name).ToList()))
            .ToList();
        var share = StackAgreement.ChainShare(stacks, FixtureWorkloads.NoFramePointersChain);

        // Frame pointers skip every caller of a function that sets none up: the chain is never whole.
        Assert.True(stacks.Sum(s => s.Count) >= 100, $"only {stacks.Sum(s => s.Count)} samples");
        Assert.True(share < 0.05, $"{share:P1} of the samples carry the whole chain with the walk off: --unwind-memory 0 did not turn it off");
    }

    [Fact]
    public void Debian_gzip_is_unwound_as_perf_unwinds_it()
    {
        var gzip = ExternalProcess.Require("gzip", "gzip");
        AssertAgreement(Profile(Track(StartCompressor(gzip, "-9"))));
    }

    [Fact]
    public void Debian_python_is_unwound_as_perf_unwinds_it()
    {
        // Debian's own interpreter, not a pyenv build earlier on the PATH.
        const string Python = "/usr/bin/python3.11";
        Assert.True(File.Exists(Python), $"{Python} is missing; it comes from the Debian package 'python3.11' (bash .ci/run installs it)");
        AssertAgreement(Profile(Track(Process.Start(new ProcessStartInfo(Python) { ArgumentList = { "-c", PythonLoop } })!)));
    }

    public void Dispose()
    {
        _stopFeeding.Cancel();
        foreach (var workload in _workloads)
        {
            if (!workload.HasExited)
            {
                workload.Kill();
                workload.WaitForExit();
            }

            workload.Dispose();
        }

        _stopFeeding.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Both profilers on <paramref name="workload"/> for <see cref="Span"/> of its CPU time: (agent's user stacks, perf's).</summary>
    private (List<WeightedStack> Agent, List<WeightedStack> Perf) Profile(Process workload)
    {
        var pid = workload.Id.ToString(CultureInfo.InvariantCulture);
        var output = Path.Combine(_directory, "agent.otlp");
        using var perf = PerfRecording.Start(workload.Id, Path.Combine(_directory, "perf.data"));
        using var agent = RunningAgent.Start("record", "--pid", pid, "--duration", "10m", "--frequency", "99", "--output", output);
        agent.WaitForLine("cpu sampler started", Generous);
        perf.Enable(Generous);
        ProcessCpu.WaitFor(workload.Id, Span, Generous);
        perf.Stop(Generous);
        Assert.True(agent.Terminate(Generous) == 0, agent.Output);

        var agentStacks = new OracleExport(File.ReadAllBytes(output)).StacksByPid().GetValueOrDefault(workload.Id, [])
            // perf (without -X perf) knows no Python frames: the agent's are left out, the interpreter's native frames compared.
            .Select(s => new WeightedStack(s.Count, s.Frames.Where(f => f.FrameType is not ("kernel" or "cpython")).Select(f => f.Name == "[no line]" ? null : f.Name).ToList()))
            .Where(s => s.Frames.Count > 0)
            .ToList();
        var perfStacks = PerfScript.Read(perf.DataFile).Where(s => s.Pid == workload.Id)
            .Select(s => new WeightedStack(1, s.UserFrames.Select(f => f.Function).ToList()))
            .Where(s => s.Frames.Count > 0)
            .ToList();
        return (agentStacks, perfStacks);
    }

    private void AssertAgreement((List<WeightedStack> Agent, List<WeightedStack> Perf) stacks) => AssertAgreement(stacks.Agent, stacks.Perf);

    private void AssertAgreement(List<WeightedStack> agent, List<WeightedStack> perf)
    {
        var result = StackAgreement.Compare(agent, perf);
        log.WriteLine(result.Describe("agent", "perf"));
        // perf against itself, alternate samples: what sampling noise alone costs at half the sample count.
        var halves = StackAgreement.Compare(perf.Where((_, i) => i % 2 == 0), perf.Where((_, i) => i % 2 == 1));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"noise floor: perf's alternate samples agree {halves.Agreement:F3} ({halves.SamplesA} vs {halves.SamplesB})"));
        // Below this many samples a side, sampling noise alone could cost the agreement its margin.
        Assert.True(result.SamplesA >= 400 && result.SamplesB >= 400, result.Describe("agent", "perf"));
        Assert.True(result.Agreement >= MinimumAgreement, result.Describe("agent", "perf"));
    }

    /// <summary>
    /// Without frame pointers gcc sets up rbp only where the frame's size is known at run time alone:
    /// stage_c with its variable-length array. Everywhere else rbp is an ordinary register.
    /// </summary>
    private static void AssertOnlyTheVlaFunctionSetsUpAFramePointer()
    {
        var disassembly = ExternalProcess.RunChecked(ExternalProcess.Require("objdump", "binutils"), ["-d", "--no-show-raw-insn", FixtureWorkloads.NoFramePointersPath]);
        var framed = disassembly.Split("\n\n")
            .Where(block => block.Contains("mov    %rsp,%rbp", StringComparison.Ordinal))
            .Select(block => block.Split('<', '>')[1])
            .Where(FixtureWorkloads.NoFramePointersChain.Contains)
            .ToList();
        Assert.Equal(["stage_c"], framed);
    }

    /// <summary>
    /// <paramref name="compressor"/> reading an endless deterministic text from standard input, writing to
    /// /dev/null; the shell execs it, so the pid is the compressor's.
    /// </summary>
    private Process StartCompressor(string compressor, params string[] options)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, ArgumentList = { "-c", "exec \"$0\" \"$@\" -c > /dev/null", compressor } };
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        var process = Process.Start(start)!;
        _ = FeedAsync(process.StandardInput.BaseStream, _stopFeeding.Token);
        return process;
    }

    /// <summary>Words drawn by a fixed xorshift generator: text-like input (repeats to find, not all of them) that is the same every run.</summary>
    private static async Task FeedAsync(Stream input, CancellationToken stop)
    {
        string[] words = ["the", "agent", "samples", "stacks", "of", "every", "process", "kernel", "frame", "unwinds", "from", "table", "and", "perf", "compares", "them", "while", "compressing", "text", "data"];
        var state = 0x9E3779B97F4A7C15UL;
        var chunk = new StringBuilder();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                chunk.Clear();
                while (chunk.Length < 1 << 16)
                {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    chunk.Append(words[(int)(state % (ulong)words.Length)]).Append((state >> 32) % 11 == 0 ? '\n' : ' ');
                    if ((state >> 40) % 5 == 0)
                    {
                        chunk.Append(CultureInfo.InvariantCulture, $"{state >> 48}");
                    }
                }

                await input.WriteAsync(Encoding.ASCII.GetBytes(chunk.ToString()), stop);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The compressor was stopped: the pipe is closed.
        }
    }

    private static string Top(List<WeightedStack> stacks) =>
        string.Join('\n', stacks.GroupBy(s => string.Join(" <- ", s.Frames.Select(f => f ?? StackAgreement.Unknown)), StringComparer.Ordinal)
            .Select(g => (Count: g.Sum(s => s.Count), Stack: g.Key)).OrderByDescending(g => g.Count).Take(5).Select(g => $"  {g.Count}: {g.Stack}"));

    private Process Track(Process workload)
    {
        _workloads.Add(workload);
        return workload;
    }
}
