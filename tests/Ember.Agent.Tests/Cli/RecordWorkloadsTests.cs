using System.Diagnostics;
using System.Globalization;
using Ember.Agent.Tests.Export;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;
using Xunit.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent record</c> on the real kernel against workloads of every kind the agent
/// symbolizes: native code through ELF symbols and frame pointers, a stripped Go binary through
/// .gopclntab, JIT-compiled .NET through perf-PID.map, and the kernel through kallsyms. What the
/// agent wrote is read by go tool pprof or by the Google.Protobuf oracle, never by our own codec.
/// </summary>
public sealed class RecordWorkloadsTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan WorkloadLifetime = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-workloads-").FullName;
    private readonly List<Process> _workloads = [];

    [Fact]
    public void A_native_workload_gets_its_3_to_1_split_and_callers_up_to_main()
    {
        var workload = Track(FixtureWorkloads.StartNativeRatio(WorkloadLifetime));
        var output = Path.Combine(_directory, "native.pb.gz");
        using var agent = RunningAgent.Start("record", "--pid", Pid(workload), "--duration", "10m", "--frequency", "999", "--output", output);

        // 3 s of the workload's CPU at 999 Hz, however long that takes on a busy machine: about 3,000
        // samples, so the 5σ bound on the 75% share is ±4 points.
        agent.WaitForLine("cpu sampler started", Generous);
        ProcessCpu.WaitFor(workload.Id, TimeSpan.FromSeconds(3), Generous);
        Assert.True(agent.Terminate(Generous) == 0, agent.Output);

        // Both functions run the same loop body, 3 units of work to 1, interleaved in one thread.
        var top = PprofReport.Top(output);
        var three = top.Single(f => f.Name == "three_quarters_work").Flat;
        var one = top.Single(f => f.Name == "one_quarter_work").Flat;
        Assert.True(three + one >= SampleShare.SamplesFor(0.75, 0.05), $"only {three + one} samples in the two functions");
        var (low, high) = SampleShare.Bounds(0.75, three + one);
        log.WriteLine($"three_quarters_work share {three / (three + one):F4} of {three + one} samples, bounds {low:F4}..{high:F4}");
        Assert.InRange(three / (three + one), low, high);

        // Frame-pointer unwinding must keep the whole caller chain: leaf, run_rounds, main.
        var hotStacks = PprofReport.Traces(output).Where(t => t.Frames[0] is "three_quarters_work" or "one_quarter_work").ToList();
        var complete = hotStacks.Where(t => t.Frames.Length >= 3 && t.Frames[1] == "run_rounds" && t.Frames[2] == "main").Sum(t => t.Samples);
        Assert.True(complete >= 0.95 * hotStacks.Sum(t => t.Samples), $"only {complete} of {hotStacks.Sum(t => t.Samples)} hot samples reach main");
    }

    [Fact]
    public void A_stripped_go_binary_is_named_through_its_pclntab()
    {
        var sections = ExternalProcess.RunChecked(ExternalProcess.Require("readelf", "binutils"), ["-S", "-W", FixtureWorkloads.StrippedGoPath]);
        Assert.DoesNotContain(".symtab", sections, StringComparison.Ordinal);
        Assert.Contains(".gopclntab", sections, StringComparison.Ordinal);
        var workload = Track(FixtureWorkloads.StartStrippedGo(WorkloadLifetime));
        var output = Path.Combine(_directory, "stripped.pb.gz");

        // 999 Hz: even with a quarter of a core, 750 samples put hotLoop's 70% over 10σ above coldLoop's 30%.
        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "999", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var top = PprofReport.Top(output);
        Assert.Equal(["main.hotLoop", "main.coldLoop"], top.Take(2).Select(f => f.Name));
        // The callers up to the Go runtime's entry are named too (which helpers the compiler inlines
        // between hotLoop and main.main may change with the fixture, so only the ends are fixed).
        Assert.Contains(PprofReport.Traces(output), t => t.Frames[0] == "main.hotLoop"
            && Array.IndexOf(t.Frames, "runtime.main") is > 1 and var entry && t.Frames[entry - 1] == "main.main");
    }

    [Fact]
    public void A_dotnet_workload_with_perf_map_enabled_gets_its_jit_method_named()
    {
        var workload = Track(FixtureWorkloads.StartDotnet(WorkloadLifetime));
        Assert.Equal("ready", workload.StandardOutput.ReadLine());
        Thread.Sleep(TimeSpan.FromSeconds(1)); // let tiered compilation settle the hot method's final code
        var output = Path.Combine(_directory, "dotnet.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "99", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var stacks = new OracleExport(File.ReadAllBytes(output)).Stacks().ToList();
        var total = stacks.Sum(s => s.Count);
        var inSpin = stacks.Where(s => s.Frames[0].Name.Contains("HotPath::Spin", StringComparison.Ordinal)).ToList();
        Assert.True(inSpin.Sum(s => s.Count) > 0.8 * total, $"{inSpin.Sum(s => s.Count)} of {total} samples named HotPath::Spin");
        Assert.All(inSpin, s => Assert.Equal("dotnet", s.Frames[0].FrameType));
        Assert.Contains(inSpin, s => s.Frames.Length > 1 && s.Frames[1].Name.Contains("Program::Main", StringComparison.Ordinal));
    }

    [Fact]
    public void Dotnet_jit_code_without_a_perf_map_is_labelled_by_its_runtime_and_the_log_says_how_to_name_it()
    {
        var workload = Track(FixtureWorkloads.StartDotnet(WorkloadLifetime, perfMap: false));
        Assert.Equal("ready", workload.StandardOutput.ReadLine());
        var output = Path.Combine(_directory, "dotnet-unnamed.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "99", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var stacks = new OracleExport(File.ReadAllBytes(output)).Stacks().ToList();
        var total = stacks.Sum(s => s.Count);
        // The hot method is JIT code: with no perf map its leaf is the runtime's label, never a memfd name and hex.
        var labelled = stacks.Where(s => s.Frames[0].Name == "[.NET JIT code]").ToList();
        Assert.True(labelled.Sum(s => s.Count) > 0.8 * total, $"{labelled.Sum(s => s.Count)} of {total} samples labelled [.NET JIT code]");
        Assert.All(labelled, s => Assert.Equal("dotnet", s.Frames[0].FrameType));
        Assert.DoesNotContain(stacks, s => s.Frames.Any(f => f.FrameType == "dotnet" && f.Name != "[.NET JIT code]"));
        var log = result.StandardOutput + result.StandardError;
        Assert.Single(log.Split('\n'), line => line.Contains($"process {Pid(workload)} runs dotnet JIT code", StringComparison.Ordinal) && line.Contains("DOTNET_PerfMapEnabled", StringComparison.Ordinal));
    }

    [Fact]
    public void With_enable_perf_maps_a_running_dotnet_process_is_asked_for_its_perf_map_and_its_jit_method_named()
    {
        var workload = Track(FixtureWorkloads.StartDotnet(WorkloadLifetime, perfMap: false));
        Assert.Equal("ready", workload.StandardOutput.ReadLine());
        var perfMap = $"/tmp/perf-{Pid(workload)}.map";
        Assert.False(File.Exists(perfMap), "the runtime writes a perf map unasked");
        var output = Path.Combine(_directory, "dotnet-asked.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "4s", "--frequency", "99", "--enable-perf-maps", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains($"asked process {Pid(workload)} (dotnet) to write its perf map", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(perfMap), "the runtime wrote no perf map when asked");
        var stacks = new OracleExport(File.ReadAllBytes(output)).Stacks().ToList();
        var total = stacks.Sum(s => s.Count);
        var inSpin = stacks.Where(s => s.Frames[0].Name.Contains("HotPath::Spin", StringComparison.Ordinal)).Sum(s => s.Count);
        // Asked on its first sample: all but the samples before the runtime wrote its map are named.
        Assert.True(inSpin > 0.5 * total, $"{inSpin} of {total} samples named HotPath::Spin");
    }

    [Fact]
    public void A_node_workload_with_perf_basic_prof_gets_its_hot_javascript_function_named_as_v8js()
    {
        var workload = Track(FixtureWorkloads.StartNode(WorkloadLifetime));
        Assert.Equal("ready", workload.StandardOutput.ReadLine());
        // V8 optimizes spinHot (on-stack replacement) in its first milliseconds, long before the agent samples.
        var output = Path.Combine(_directory, "node.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "99", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var stacks = new OracleExport(File.ReadAllBytes(output)).Stacks().ToList();
        var total = stacks.Sum(s => s.Count);
        var inSpin = stacks.Where(s => s.Frames.Any(f => f.FrameType == "v8js" && f.Name.Contains("spinHot", StringComparison.Ordinal))).ToList();
        Assert.True(inSpin.Sum(s => s.Count) >= 0.5 * total, $"{inSpin.Sum(s => s.Count)} of {total} samples named spinHot as v8js");
    }

    [Fact]
    public void A_running_jvm_is_asked_through_its_attach_socket_for_its_perf_map_with_enable_perf_maps()
    {
        var workload = Track(FixtureWorkloads.StartJava(WorkloadLifetime)); // returns once C2 compiled spinHot
        var unnamedOutput = Path.Combine(_directory, "jvm-unnamed.otlp");
        var askedOutput = Path.Combine(_directory, "jvm-asked.otlp");

        var unnamed = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "2s", "--frequency", "99", "--output", unnamedOutput);
        var asked = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "99", "--enable-perf-maps", "--output", askedOutput);

        Assert.True(unnamed.ExitCode == 0, unnamed.StandardError);
        Assert.True(asked.ExitCode == 0, asked.StandardError);
        Assert.Contains($"asked process {Pid(workload)} (jvm) to write its perf map", asked.StandardOutput + asked.StandardError, StringComparison.Ordinal);
        Assert.True(JvmShare(unnamedOutput, "[JVM JIT code]") >= 0.5, $"without a perf map, {JvmShare(unnamedOutput, "[JVM JIT code]"):P0} of the samples are labelled [JVM JIT code]");
        Assert.True(JvmShare(askedOutput, "Hot.spinHot") >= 0.5, $"asked, {JvmShare(askedOutput, "Hot.spinHot"):P0} of the samples are named Hot.spinHot");

        static double JvmShare(string profile, string name)
        {
            var stacks = new OracleExport(File.ReadAllBytes(profile)).Stacks().ToList();
            var named = stacks.Where(s => s.Frames.Any(f => f.FrameType == "jvm" && f.Name.Contains(name, StringComparison.Ordinal))).Sum(s => s.Count);
            return (double)named / Math.Max(1, stacks.Sum(s => s.Count));
        }
    }

    [Fact]
    public void Kernel_frames_of_a_syscall_heavy_workload_are_named_from_kallsyms()
    {
        // dd copying /dev/zero to /dev/null spends nearly all its time inside read(2).
        var start = new ProcessStartInfo("dd") { ArgumentList = { "if=/dev/zero", "of=/dev/null", "bs=1M", "status=none" } };
        var workload = Track(Process.Start(start)!);
        var output = Path.Combine(_directory, "kernel.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid(workload), "--duration", "3s", "--frequency", "99", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var kallsyms = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ', '\t')[2]).ToHashSet(StringComparer.Ordinal);
        var stacks = new OracleExport(File.ReadAllBytes(output)).Stacks().ToList();
        var inRead = stacks.Where(s => s.Frames.Any(f => f.Name == "vfs_read")).ToList();
        Assert.True(inRead.Sum(s => s.Count) > 0.5 * stacks.Sum(s => s.Count), "most of dd's samples should be inside vfs_read");
        foreach (var (_, frames) in inRead)
        {
            var kernel = frames.TakeWhile(f => f.FrameType == "kernel").ToArray();
            Assert.Contains(kernel, f => f.Name == "ksys_read");
            Assert.All(kernel, f => Assert.Contains(f.Name, kallsyms));
            Assert.True(frames.Length > kernel.Length, "the user-space caller of read(2) is missing below the kernel frames");
        }
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

            // The .NET runtime leaves its perf map behind; do not litter /tmp for every run.
            File.Delete($"/tmp/perf-{workload.Id.ToString(CultureInfo.InvariantCulture)}.map");
            File.Delete($"/tmp/perfinfo-{workload.Id.ToString(CultureInfo.InvariantCulture)}.map");
            File.Delete($"/tmp/.java_pid{workload.Id.ToString(CultureInfo.InvariantCulture)}"); // a killed JVM leaves its attach socket
            workload.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private Process Track(Process workload)
    {
        _workloads.Add(workload);
        return workload;
    }

    private static string Pid(Process process) => process.Id.ToString(CultureInfo.InvariantCulture);
}
