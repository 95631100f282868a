using Ember.PowerShell.Tests.Module;

namespace Ember.PowerShell.Tests.Profiles;

public sealed class TopFunctionTests : IDisposable
{
    private readonly ModuleHost _host = new();

    [Fact]
    public void Ranks_by_self_CPU_seconds_with_share_and_average_cores()
    {
        // 10 s of wall time: hot 600 samples x 10 ms = 6 s, cold 3 s, main itself 1 s.
        var path = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 600), ("main;cold", 300), ("main", 100)));

        var rows = _host.Run($"Get-ProfileTopFunction '{path}' -Top 2").ThrowOnErrors().Output;

        Assert.Equal(["hot", "cold"], rows.Select(r => Invocation.Property<string>(r, "Function")));
        Assert.Equal([1, 2], rows.Select(r => Invocation.Property<int>(r, "Rank")));
        Assert.Equal(6.0, Invocation.Property<double?>(rows[0], "CpuSeconds")!.Value, 9);
        Assert.Equal(0.6, Invocation.Property<double>(rows[0], "Share"), 9);
        Assert.Equal(0.6, Invocation.Property<double?>(rows[0], "AverageCores")!.Value, 9);
    }

    [Fact]
    public void By_Total_counts_recursive_functions_once_per_sample()
    {
        var path = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;walk;walk;walk", 500), ("main;other", 500)));

        var rows = _host.Run($"Import-Profile '{path}' | Get-ProfileTopFunction -By Total").ThrowOnErrors().Output;

        var byName = rows.ToDictionary(r => Invocation.Property<string>(r, "Function"), r => Invocation.Property<double>(r, "Share"));
        Assert.Equal(1.0, byName["main"], 9);
        Assert.Equal(0.5, byName["walk"], 9);
        Assert.Equal(0.5, byName["other"], 9);
    }

    [Fact]
    public void Aggregate_sums_profiles_and_divides_by_the_covered_wall_time()
    {
        // Two nodes over the same 10 s window: hot burns 6 s on one, 4 s on the other = 1 core on average.
        var a = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 600), ("main;cold", 100)));
        var b = TestProfiles.WriteTemp(TestProfiles.Cpu(10, 1_700_000_000, ("main;hot", 400), ("main;cold", 100)));

        var rows = _host.Run($"'{a}', '{b}' | Import-Profile | Get-ProfileTopFunction -Aggregate -Top 1").ThrowOnErrors().Output;

        var row = Assert.Single(rows);
        Assert.Equal("hot", Invocation.Property<string>(row, "Function"));
        Assert.Equal(10.0, Invocation.Property<double?>(row, "CpuSeconds")!.Value, 9);
        Assert.Equal(1.0, Invocation.Property<double?>(row, "AverageCores")!.Value, 9);
        Assert.Equal(2, Invocation.Property<int>(row, "Profiles"));
        Assert.Equal("2 profiles", Invocation.Property<string>(row, "Source"));

        var separate = _host.Run($"'{a}', '{b}' | Import-Profile | Get-ProfileTopFunction -Top 1").ThrowOnErrors().Output;
        Assert.Equal([6.0, 4.0], separate.Select(r => Invocation.Property<double?>(r, "CpuSeconds")!.Value));
        Assert.Equal([a, b], separate.Select(r => Invocation.Property<string>(r, "Source")));
    }

    public void Dispose() => _host.Dispose();
}
