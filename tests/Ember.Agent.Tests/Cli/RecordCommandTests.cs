using System.Diagnostics;
using System.Globalization;
using Ember.Profiles.Otlp;
using Ember.Agent.Tests.Workloads;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Cli;

/// <summary>
/// <c>ember-agent record</c> against a real workload on the real kernel: the Go fixture burns CPU
/// 70% in main.hotLoop and 30% in main.coldLoop; go tool pprof reads what the agent wrote.
/// </summary>
public sealed class RecordCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-record-").FullName;
    private readonly Process _workload;

    public RecordCommandTests()
    {
        var start = new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "60s", "-hot", "0.7" } };
        _workload = Process.Start(start) ?? throw new InvalidOperationException("could not start the workload");
    }

    [Fact]
    public void Recording_a_workload_names_its_hot_function_with_its_share_in_go_tool_pprof()
    {
        var output = Path.Combine(_directory, "cpu.pb.gz");
        var cpuBefore = CpuSeconds(_workload.Id);

        var result = AgentProcess.Run("record", "--pid", Pid, "--duration", "4s", "--frequency", "99", "--output", output);

        var cpuUsed = CpuSeconds(_workload.Id) - cpuBefore;
        Assert.True(result.ExitCode == 0, result.StandardError);
        var top = PprofReport.Top(output);
        Assert.Equal("main.hotLoop", top[0].Name);
        Assert.Equal("main.coldLoop", top[1].Name);
        var total = top.Sum(f => f.Flat);
        Assert.InRange(top[0].Flat / total, 0.5, 0.85);

        // 99 samples per second of CPU the workload really got (it may get less than 4 s on a busy machine).
        Assert.InRange(total, cpuUsed * 99 * 0.6, cpuUsed * 99 * 1.3);
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
    public async Task Sigterm_ends_the_recording_early_and_still_writes_the_profile()
    {
        var output = Path.Combine(_directory, "term.pb.gz");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ember-agent.dll"), "record", "--pid", Pid, "--duration", "120s", "--output", output })
        {
            start.ArgumentList.Add(argument);
        }

        using var agent = Process.Start(start)!;
        var stdout = agent.StandardOutput.ReadToEndAsync();
        var stderr = agent.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        ExternalProcess.RunChecked("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(30)), "the agent did not stop on SIGTERM");
        Assert.True(agent.ExitCode == 0, await stderr);
        Assert.Contains("wrote", await stdout, StringComparison.Ordinal);
        Assert.Equal("main.hotLoop", PprofReport.Top(output)[0].Name);
    }

    [Fact]
    public void A_process_that_exits_during_the_recording_is_still_reported()
    {
        var output = Path.Combine(_directory, "short.otlp");
        using var shortLived = Process.Start(new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "1s", "-hot", "0.7" } })!;

        var result = AgentProcess.Run("record", "--pid", shortLived.Id.ToString(CultureInfo.InvariantCulture), "--duration", "5s", "--output", output);

        Assert.True(shortLived.HasExited, "the workload was meant to exit before the recording ended");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var resource = Assert.Single(OtlpCodec.Decode(File.ReadAllBytes(output)).ResourceProfiles);
        Assert.Contains(resource.Resource.Attributes, a => a.Key == "process.pid" && a.Value.IntValue == shortLived.Id);
        Assert.True(resource.ScopeProfiles[0].Profiles[0].Samples.Sum(s => s.Total) > 30, "the exited process's samples were lost");
    }

    [Theory]
    [InlineData("--duration", "soon")]
    [InlineData("--frequency", "0")]
    [InlineData("--format", "svg")]
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
        foreach (var option in new[] { "--duration", "--frequency", "--pid", "--output", "--format" })
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

    /// <summary>User + system CPU time of a process from /proc/PID/stat (fields 14 and 15, in 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
