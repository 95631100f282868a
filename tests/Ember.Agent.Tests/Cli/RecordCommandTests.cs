using System.Diagnostics;
using System.Globalization;
using Ember.Profiles.Otlp;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;
using Xunit.Abstractions;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent record</c> against a real workload on the real kernel: the Go fixture burns CPU
/// 70% in main.hotLoop and 30% in main.coldLoop (the same loop body, split by iterations); go tool
/// pprof reads what the agent wrote.
/// </summary>
public sealed class RecordCommandTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-record-").FullName;
    private readonly Process _workload = Process.Start(new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "60s", "-hot", "0.7" } })
        ?? throw new InvalidOperationException("could not start the workload");

    [Fact]
    public void Recording_a_workload_names_its_hot_function_with_its_share_in_go_tool_pprof()
    {
        const int frequency = 999;
        var output = Path.Combine(_directory, "cpu.pb.gz");
        // 2 s of CPU at 999 Hz: about 2,000 samples, so the 5σ bound on the 70% share is ±5 points.
        using var workload = GatedGoWorkload.Start(TimeSpan.FromSeconds(2), hot: 0.7);
        using var agent = RunningAgent.Start("record", "--pid", workload.Pid.ToString(CultureInfo.InvariantCulture), "--duration", "10m", "--frequency", frequency.ToString(CultureInfo.InvariantCulture), "--output", output);

        // The agent samples before the workload burns and until after it is done: it sees all of it.
        agent.WaitForLine("cpu sampler started", Generous);
        var (before, after) = workload.Burn(Generous);
        Assert.Equal(0, agent.Terminate(Generous));

        var top = PprofReport.Top(output);
        Assert.Equal("main.hotLoop", top[0].Name);
        Assert.Equal("main.coldLoop", top[1].Name);

        // hotLoop and coldLoop run the same loop body 70:30 by iterations in one goroutine, so 70% of
        // their samples belong to hotLoop on any machine, however busy.
        var hotAndCold = top[0].Flat + top[1].Flat;
        Assert.True(hotAndCold >= SampleShare.SamplesFor(0.7, 0.1), $"only {hotAndCold} samples in the loops");
        var (low, high) = SampleShare.Bounds(0.7, hotAndCold);
        log.WriteLine($"hotLoop share {top[0].Flat / hotAndCold:F4} of {hotAndCold} samples, bounds {low:F4}..{high:F4}");
        Assert.InRange(top[0].Flat / hotAndCold, low, high);

        // One sample per 1/999 s of the CPU time the workload burned while sampled: at least what it
        // burned between its report's two readings, at most all it ever used (start-up included), each
        // reading rounded to 1 ms. A count of CPU-clock ticks has at most Poisson spread, sqrt(n): the
        // bounds are 5 of those.
        var total = PprofReport.Total(output);
        var fewest = ((after - before).TotalSeconds - 0.002) * frequency;
        var most = (after.TotalSeconds + 0.002) * frequency;
        log.WriteLine($"{total} samples for {before.TotalSeconds:F3}..{after.TotalSeconds:F3} s of CPU, bounds {fewest - (SampleShare.Sigmas * Math.Sqrt(fewest)):F0}..{most + (SampleShare.Sigmas * Math.Sqrt(most)):F0}");
        Assert.InRange(total, fewest - (SampleShare.Sigmas * Math.Sqrt(fewest)), most + (SampleShare.Sigmas * Math.Sqrt(most)));
    }

    [Fact]
    public void Otlp_output_carries_process_resource_frame_types_and_build_ids()
    {
        var output = Path.Combine(_directory, "cpu.otlp");

        var result = AgentProcess.Run("record", "--pid", Pid, "--duration", "2s", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var data = OtlpCodec.Decode(File.ReadAllBytes(output));
        var resource = Assert.Single(data.ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == _workload.Id);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.executable.name" && a.Value.StringValue == "goprof");
        var profile = resource.ScopeProfiles[0].Profiles[0];
        Assert.Equal(("samples", "count", "cpu", "nanoseconds", 1_000_000_000L / 99), (profile.SampleType.Type, profile.SampleType.Unit, profile.PeriodType!.Type, profile.PeriodType.Unit, profile.Period));
        var hot = profile.Samples.SelectMany(s => s.Stack.Locations).First(l => l.Lines.Count > 0 && l.Lines[0].Function!.Name == "main.hotLoop");
        Assert.Contains(hot.Attributes, a => a.Key == "profile.frame.type" && a.Value.StringValue == "go");
        Assert.Contains(hot.Mapping!.Attributes, a => a.Key == "process.executable.build_id.go");
        Assert.Contains(hot.Mapping!.Attributes, a => a.Key == "process.executable.build_id.htlhash");
        Assert.Contains("main.go", hot.Lines[0].Function!.FileName, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu.folded", "main.hotLoop")]
    [InlineData("cpu.html", "main.hotLoop")]
    public void Text_formats_come_from_the_output_extension(string name, string expected)
    {
        var output = Path.Combine(_directory, name);

        var result = AgentProcess.Run("record", "--pid", Pid, "--duration", "2s", "--output", output);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains(expected, File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Sigterm_ends_the_recording_early_and_still_writes_the_profile()
    {
        var output = Path.Combine(_directory, "term.pb.gz");
        using var agent = RunningAgent.Start("record", "--pid", Pid, "--duration", "120s", "--output", output);

        // 2 s of the workload's CPU at the default 99 Hz: about 200 samples, so hotLoop's 70% is more
        // than 6σ above coldLoop's 30% whatever the machine's load.
        agent.WaitForLine("cpu sampler started", Generous);
        ProcessCpu.WaitFor(_workload.Id, TimeSpan.FromSeconds(2), Generous);

        Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        Assert.Contains("wrote", agent.Output, StringComparison.Ordinal);
        Assert.Equal("main.hotLoop", PprofReport.Top(output)[0].Name);
    }

    [Fact]
    public void A_process_that_exits_during_the_recording_is_still_reported()
    {
        var output = Path.Combine(_directory, "short.otlp");
        using var shortLived = GatedGoWorkload.Start(TimeSpan.FromSeconds(1), hot: 0.7);
        using var agent = RunningAgent.Start("record", "--pid", shortLived.Pid.ToString(CultureInfo.InvariantCulture), "--duration", "10m", "--output", output);

        agent.WaitForLine("cpu sampler started", Generous);
        shortLived.Burn(Generous);
        shortLived.Exit(Generous);

        Assert.True(agent.Terminate(Generous) == 0, agent.Output);
        var resource = Assert.Single(OtlpCodec.Decode(File.ReadAllBytes(output)).ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == shortLived.Pid);
        // 1 s of CPU at 99 Hz is about 99 samples (Poisson spread 10): 30 is 7σ below.
        Assert.True(resource.ScopeProfiles[0].Profiles[0].Samples.Sum(s => s.Total) > 30, "the exited process's samples were lost");
    }

    [Theory]
    [InlineData("--duration", "soon")]
    [InlineData("--frequency", "0")]
    [InlineData("--format", "svg")]
    [InlineData("--unwind-memory", "16 apples")]
    [InlineData("--unwind-memory", "512KiB")]
    [InlineData("--unwind-memory", "1.5MiB")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var result = AgentProcess.Run("record", option, value, "--output", Path.Combine(_directory, "x.pb.gz"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(value, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_the_record_options()
    {
        var result = AgentProcess.Run("record", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--duration", "--frequency", "--pid", "--output", "--format", "--unwind-memory", "--enable-perf-maps" })
        {
            Assert.Contains(option, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _workload.Kill();
        _workload.WaitForExit();
        _workload.Dispose();
    }

    private string Pid => _workload.Id.ToString(CultureInfo.InvariantCulture);
}
