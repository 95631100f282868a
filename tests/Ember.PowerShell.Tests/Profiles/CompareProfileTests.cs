using System.Management.Automation;
using Ember.PowerShell.Tests.Module;
using Ember.TestSupport;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Tests.Profiles;

public sealed class CompareProfileTests : IDisposable
{
    private readonly ModuleHost _host = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-pwsh-diff-").FullName;

    [Fact]
    public void Reports_the_change_with_the_Agresti_Caffo_interval_and_flags_noise_as_not_significant()
    {
        // 1000 samples each: hot 30% -> 60%, steady 20% -> 20%.
        var before = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1, ("main;hot", 300), ("main;steady", 200), ("main;cold", 500)), "before.pb.gz");
        var after = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1, ("main;hot", 600), ("main;steady", 200), ("main;cold", 200)), "after.pb.gz");

        var rows = _host.Run($"Compare-Profile -ReferenceProfile '{before}' -DifferenceProfile '{after}'").ThrowOnErrors().Output;

        var hot = Row(rows, "hot");
        Assert.Equal(0.3, Invocation.Property<double>(hot, "SelfBefore"), 9);
        Assert.Equal(0.6, Invocation.Property<double>(hot, "SelfAfter"), 9);
        Assert.Equal(0.3, Invocation.Property<double>(hot, "Change"), 9);
        // (301/1002, 601/1002) with z = 1.95996: worked by hand, see ShareDifference.
        Assert.Equal(0.257856, Invocation.Property<double>(hot, "ChangeLow"), 5);
        Assert.Equal(0.340946, Invocation.Property<double>(hot, "ChangeHigh"), 5);
        Assert.True(Invocation.Property<bool>(hot, "Significant"));
        var steady = Row(rows, "steady");
        Assert.False(Invocation.Property<bool>(steady, "Significant"));
        Assert.Equal("not significant", Invocation.Property<string>(steady, "Verdict"));
        Assert.Equal(-0.0350652, Invocation.Property<double>(steady, "ChangeLow"), 6);
        // Significant changes first, by size: hot and cold (both 0.3), then the rest.
        Assert.Equal(["cold", "hot"], rows.Take(2).Select(r => Invocation.Property<string>(r, "Function")).Order(StringComparer.Ordinal));
        Assert.Equal("steady", Invocation.Property<string>(rows[^1], "Function"));
    }

    [Fact]
    public void Profiles_without_sample_counts_are_refused_with_an_error_id()
    {
        var folded = Path.Combine(_directory, "a.folded");
        File.WriteAllText(folded, "main;hot 5\n");
        var other = TestProfiles.WriteTemp(TestProfiles.Cpu(1, 1, ("main;hot", 5)));
        var profile = Pprof.PprofCodec.ReadFile(other);
        profile.SampleTypes.Clear();
        profile.SampleTypes.Add(new Ember.Profiles.ProfileValueType("alloc", "bytes"));
        profile.SampleTypes.Add(new Ember.Profiles.ProfileValueType("inuse", "bytes"));
        profile.Period = 0;
        var heap = TestProfiles.WriteTemp(profile, "heap.pb.gz");

        var result = _host.Run($"Compare-Profile '{other}' '{heap}' -AsPprof '{_directory}/d.pb.gz'");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ProfileCompareFailed,Ember.PowerShell.Commands.CompareProfileCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.False(File.Exists(Path.Combine(_directory, "d.pb.gz")));
    }

    [Fact]
    public void WhatIf_computes_the_rows_but_writes_no_file()
    {
        var before = TestProfiles.WriteTemp(TestProfiles.Cpu(1, 1, ("main;hot", 5)));
        var result = _host.Run($"Compare-Profile '{before}' '{before}' -OutFile '{_directory}/d.html' -AsPprof '{_directory}/d.pb.gz' -WhatIf").ThrowOnErrors();

        Assert.NotEmpty(result.Output);
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Real_Go_profiles_the_grown_function_is_the_top_change_and_go_tool_pprof_reads_the_diff()
    {
        var before = Path.Combine(_directory, "before.pb.gz");
        var after = Path.Combine(_directory, "after.pb.gz");
        // The same workload except that hotLoop takes CPU time from warmLoop and coldLoop (20% -> 48%
        // of the time); steadyLoop keeps 30% (see tests/fixtures/goprof). Async preemption is off so
        // its signal frames do not land on the loops at random and blur the shares. 8 s of CPU at the
        // Go profiler's 100 Hz is about 800 samples a profile: the binomial spread of a change in a 30%
        // share is then 2.3 points, so steadyLoop's 12-point bound is 5σ, and hotLoop's 41-point growth
        // is 8σ above its 25-point bound. The two runs burn at the same time, one on each core.
        var environment = new Dictionary<string, string> { ["GODEBUG"] = "asyncpreemptoff=1" };
        Parallel.Invoke(
            () => ExternalProcess.RunChecked(GoPeer.FixtureBinary, ["-cpu", before, "-duration", "8s", "-steady", "0.3", "-warm", "0.35", "-hot", "0.2"], environment: environment),
            () => ExternalProcess.RunChecked(GoPeer.FixtureBinary, ["-cpu", after, "-duration", "8s", "-steady", "0.3", "-warm", "0.1", "-hot", "0.8"], environment: environment));
        var diff = Path.Combine(_directory, "diff.pb.gz");
        var html = Path.Combine(_directory, "diff.html");

        var rows = _host.Run($"Compare-Profile -ReferenceProfile '{before}' -DifferenceProfile '{after}' -By Total -OutFile '{html}' -AsPprof '{diff}'").ThrowOnErrors().Output;

        var top = rows[0];
        Assert.Equal("main.hotLoop", Invocation.Property<string>(top, "Function"));
        Assert.True(Invocation.Property<bool>(top, "Significant"));
        Assert.True(Invocation.Property<double>(top, "Change") > 0.25, $"hotLoop grew by {Invocation.Property<double>(top, "Change")}");
        // main.burn holds all the work in both runs: unchanged, so not significant.
        var burn = Row(rows, "main.burn");
        Assert.False(Invocation.Property<bool>(burn, "Significant"), $"main.burn {Invocation.Property<double>(burn, "TotalBefore")} -> {Invocation.Property<double>(burn, "TotalAfter")}");
        Assert.Equal("not significant", Invocation.Property<string>(burn, "Verdict"));
        // steadyLoop's share stays near its 30%: far below hotLoop's change.
        var steady = Row(rows, "main.steadyLoop");
        Assert.True(Math.Abs(Invocation.Property<double>(steady, "Change")) < 0.12,
            $"steadyLoop {Invocation.Property<double>(steady, "TotalBefore")} -> {Invocation.Property<double>(steady, "TotalAfter")}");
        Assert.Contains("main.hotLoop", File.ReadAllText(html), StringComparison.Ordinal);

        // go tool pprof reads the diff profile: hotLoop's flat value is the growth, warmLoop's the loss,
        // exactly what pprof's own -diff_base computes from the two files.
        var ours = FlatSeconds(GoPeer.Pprof("-top", "-unit=s", diff));
        var theirs = FlatSeconds(GoPeer.Pprof("-top", "-unit=s", "-diff_base", before, after));
        Assert.True(ours["main.hotLoop"] > 0);
        Assert.True(ours["main.warmLoop"] < 0);
        Assert.Equal(theirs["main.hotLoop"], ours["main.hotLoop"]);
        Assert.Equal(theirs["main.warmLoop"], ours["main.warmLoop"]);
    }

    private static PSObject Row(IReadOnlyList<PSObject> rows, string function) =>
        rows.Single(r => Invocation.Property<string>(r, "Function") == function);

    /// <summary>Function → flat seconds from <c>go tool pprof -top -unit=s</c>.</summary>
    private static Dictionary<string, double> FlatSeconds(string top)
    {
        var flat = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in top.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 6 && fields[0].EndsWith('s') && double.TryParse(fields[0].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                flat[fields[5]] = seconds;
            }
        }

        return flat;
    }

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
