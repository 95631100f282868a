using Ember.Agent.Processes;
using Ember.Agent.Profiles;
using Ember.Agent.Sampling;
using Ember.Agent.Session;
using Ember.Agent.Symbolization;
using Ember.Agent.Telemetry;
using Ember.Profiles.Otlp;
using Ember.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Agent.Tests.Session;

/// <summary>
/// <see cref="ProfilingSession"/> without a kernel: a fake sample source, a fake /proc under a
/// temporary directory and a <see cref="FakeTimeProvider"/>, so windows and drains follow the fake
/// clock and no test waits for real time.
/// </summary>
public sealed class ProfilingSessionTests : IDisposable
{
    private const int Hot = 100;
    private const int Cold = 200;
    private const int ShortLived = 300;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(5);

    private readonly string _procRoot = Directory.CreateTempSubdirectory("ember-proc-").FullName;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeFrameResolver _resolver = new();
    private readonly ChannelWindowOutput _output = new();
    private readonly SamplingStatistics _statistics = new();
    private readonly CancellationTokenSource _stop = new();

    public ProfilingSessionTests()
    {
        AddProcess(Hot, "hot");
        AddProcess(Cold, "cold");
    }

    public void Dispose()
    {
        _stop.Dispose();
        Directory.Delete(_procRoot, recursive: true);
    }

    [Fact]
    public async Task Windows_are_cut_at_the_interval_and_hold_every_drain_of_their_time()
    {
        var source = new FakeSampleSource(_ => [Sample(Hot, 3, 0x10, 0x20)]);
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain, Window = TimeSpan.FromSeconds(15) });
        await source.Started;

        // Two drains inside the window: nothing is shipped yet.
        for (var i = 1; i <= 2; i++)
        {
            _time.Advance(Drain);
            Assert.Equal(i, await source.NextDrainAsync());
        }

        Assert.False(_output.TryTake(out _));
        _time.Advance(Drain);
        var first = await _output.NextAsync();
        Assert.Equal(3, await source.NextDrainAsync());
        _time.Advance(Drain);
        Assert.Equal(4, await source.NextDrainAsync());
        await _stop.CancelAsync();
        await running;
        var last = await _output.NextAsync();

        Assert.Equal((T0, T0.AddSeconds(15), 9L), (first.Start, first.End, first.Samples));
        Assert.Equal(9L, SampleValues(first.Data).Sum());
        Assert.Equal((T0.AddSeconds(15), T0.AddSeconds(20), 6L), (last.Start, last.End, last.Samples)); // drain 4 and the drain after stopping
        Assert.Equal(["start", "drain 1", "drain 2", "drain 3", "drain 4", "stop", "drain 5"], source.Calls);
        Assert.Equal(15L, _statistics.Samples);
    }

    [Fact]
    public async Task Stopping_ships_the_last_partial_window_with_what_the_sampler_counted_before_it_stopped()
    {
        var source = new FakeSampleSource(n => n == 1 ? [Sample(Hot, 2, 0x10)] : [Sample(Hot, 5, 0x10), Sample(Cold, 1, 0x30)]);
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain, Window = TimeSpan.FromMinutes(10) });
        await source.Started;
        _time.Advance(Drain);
        await source.NextDrainAsync();

        await _stop.CancelAsync();
        await running;
        var window = await _output.NextAsync();

        Assert.Equal((T0, T0.Add(Drain), 8L), (window.Start, window.End, window.Samples));
        Assert.Equal([Hot, Cold], Pids(window.Data));
        Assert.Equal(["start", "drain 1", "stop", "drain 2"], source.Calls);
        Assert.False(_output.TryTake(out _));
    }

    [Fact]
    public async Task A_session_with_a_duration_ends_by_itself_with_one_window_of_that_duration()
    {
        var source = new FakeSampleSource(_ => [Sample(Hot, 1, 0x10)]);
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain, Duration = TimeSpan.FromSeconds(12) });
        await source.Started;
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        await running.WaitAsync(TimeSpan.FromSeconds(30));
        var window = await _output.NextAsync();

        Assert.Equal((T0, T0.AddSeconds(12)), (window.Start, window.End));
        Assert.Equal("stop", source.Calls[^2]);
        Assert.Equal(source.Calls.Count(c => c.StartsWith("drain", StringComparison.Ordinal)), window.Samples);
        Assert.False(_output.TryTake(out _));
    }

    [Fact]
    public async Task Exited_processes_are_pruned_when_a_window_is_cut_and_live_ones_are_symbolized_afresh()
    {
        var source = new FakeSampleSource(n =>
        {
            if (n == 1)
            {
                // The cold process exits during the first drain: alive when it began, so kept until the next cut
                // (its last samples may still be in the kernel), gone before the second drain began, so pruned then.
                Directory.Delete(Path.Combine(_procRoot, $"{Cold}"), recursive: true);
            }

            return [Sample(Hot, 1, 0x10), Sample(Cold, 1, 0x30)];
        });
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain, Window = Drain });
        await source.Started;
        _time.Advance(Drain);
        await _output.NextAsync();
        _time.Advance(Drain);
        await _output.NextAsync();
        await _stop.CancelAsync();
        await running;

        Assert.Equal(2, _resolver.Prunes.Count);
        Assert.Equal([Hot, Cold], _resolver.Prunes[0].Order());
        Assert.Equal([Hot], _resolver.Prunes[1]);

        // Each window resolves an address once: the per-window frame caches start over at the cut.
        Assert.Equal(3, _resolver.UserLookups.Count(l => l == (Hot, 0x10UL)));
    }

    [Fact]
    public async Task Processes_the_labels_leave_out_are_counted_as_filtered_not_profiled()
    {
        var source = new FakeSampleSource(_ => [Sample(Hot, 4, 0x10), Sample(Cold, 3, 0x30)]);
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain }, new OnlyPid(Hot));
        await source.Started;
        await _stop.CancelAsync();
        await running;
        var window = await _output.NextAsync();

        Assert.Equal([Hot], Pids(window.Data));
        Assert.Equal((4L, 3L), (window.Samples, _statistics.Filtered));
        Assert.DoesNotContain(_resolver.UserLookups, l => l.Pid == Cold);
    }

    [Fact]
    public async Task A_process_the_kernel_announces_keeps_its_name_and_is_captured_for_symbols_though_it_exits_before_the_drain()
    {
        var resource = await RecordShortLivedAsync(async source =>
        {
            source.Announce(new ProcessLifecycleEvent(ShortLived, ProcessLifecycle.Seen, "worker"));
            await Eventually.HoldsAsync(() => _resolver.Captures.Contains(ShortLived), "the session captures the announced process");
            source.Announce(new ProcessLifecycleEvent(ShortLived, ProcessLifecycle.Exit, "worker"));
            await Eventually.HoldsAsync(() => _statistics.ProcessesExited == 1, "the session counts the exit");
        });

        Assert.Equal("short-lived", resource.Attributes.Single(a => a.Key == "process.executable.name").Value.StringValue);
        Assert.Equal(1, _statistics.ProcessesCaptured);
        Assert.Contains(_resolver.UserLookups, l => l == (ShortLived, 0x40UL));
    }

    [Fact]
    public async Task Without_an_announcement_a_process_gone_before_the_drain_is_named_by_its_thread()
    {
        var resource = await RecordShortLivedAsync(_ => Task.CompletedTask);

        // The control for the test above: what the capture saves is exactly what is lost without it.
        Assert.Equal("main", resource.Attributes.Single(a => a.Key == "process.executable.name").Value.StringValue);
        Assert.Empty(_resolver.Captures);
    }

    /// <summary>
    /// One window over a process that <paramref name="whileAlive"/> may announce, which then exits
    /// before the only drain; returns the window's one resource.
    /// </summary>
    private async Task<Resource> RecordShortLivedAsync(Func<FakeSampleSource, Task> whileAlive)
    {
        AddProcess(ShortLived, "short-lived", startTicks: 4242);
        var source = new FakeSampleSource(_ => [Sample(ShortLived, 4, 0x40)]);
        var running = Run(source, new ProfilingSessionOptions { DrainInterval = Drain, Window = TimeSpan.FromMinutes(10) });
        await source.Started;

        await whileAlive(source);
        Directory.Delete(Path.Combine(_procRoot, $"{ShortLived}"), recursive: true);
        _time.Advance(Drain);
        Assert.Equal(1, await source.NextDrainAsync());
        await _stop.CancelAsync();
        await running;
        var window = await _output.NextAsync();
        return Assert.Single(window.Data.ResourceProfiles).Resource;
    }

    private Task Run(FakeSampleSource source, ProfilingSessionOptions options, IProcessLabels? labels = null)
    {
        var session = new ProfilingSession(
            source, source, new ProcessInfoReader(_procRoot), new StackSymbolizer(_resolver), new CpuProfileBuilder(99, "test-host", labels),
            labels, _output, options, _statistics, _time);
        return Task.Run(() => session.RunAsync(_stop.Token));
    }

    private void AddProcess(int pid, string name, ulong? startTicks = null)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_procRoot, $"{pid}"));
        File.WriteAllText(Path.Combine(directory.FullName, "comm"), name + "\n");
        if (startTicks is { } ticks)
        {
            // /proc/PID/stat up to field 22, the start time, which tells a process from a later one with its pid.
            File.WriteAllText(Path.Combine(directory.FullName, "stat"), $"{pid} ({name}) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {ticks} 0\n");
        }
    }

    private static CpuSample Sample(int pid, long count, params ulong[] user) => new(pid, "main", user, [0xffff_0000UL], count);

    private static IEnumerable<long> SampleValues(ProfilesData data) =>
        data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).SelectMany(p => p.Samples).Select(s => s.Values[0]);

    private static List<long> Pids(ProfilesData data) =>
        data.ResourceProfiles.Select(r => r.Resource.Attributes.Single(a => a.Key == "process.pid").Value.IntValue).ToList();

    private sealed class OnlyPid(int pid) : IProcessLabels
    {
        public bool ShouldProfile(ProcessInfo process) => process.Pid == pid;

        public IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes(ProcessInfo process) => [];
    }
}
