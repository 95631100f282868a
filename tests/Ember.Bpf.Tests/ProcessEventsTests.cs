using Ember.Agent.Sampling;
using Ember.Bpf.Tests.Support;
using Xunit.Abstractions;

namespace Ember.Bpf.Tests;

/// <summary>
/// The process_events ring buffer on the real kernel: a process is announced once, on its first
/// sample, however many samples follow, and its exit is reported after that.
/// </summary>
public sealed class ProcessEventsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void A_sampled_process_is_announced_once_on_its_first_sample_and_its_exit_follows()
    {
        // Two seconds of the workload at 999 Hz: about 2,000 samples, one announcement.
        using var workload = Workload.Start(seconds: 2);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = 999, Pids = [workload.Pid] });
        var events = new List<ProcessLifecycleEvent>();
        sampler.Start();
        PollUntil(sampler, events, () => events.Exists(e => e.Pid == workload.Pid && e.Kind == ProcessLifecycle.Seen), "the workload is announced");
        Assert.True(workload.WaitForExit(Generous), "the workload did not end");
        PollUntil(sampler, events, () => events.Exists(e => e.Pid == workload.Pid && e.Kind == ProcessLifecycle.Exit), "the workload's exit is reported");
        sampler.Stop();
        var samples = sampler.Drain().Samples.Where(s => s.Pid == workload.Pid).Sum(s => s.Count);
        output.WriteLine($"{samples} samples; events: {string.Join(", ", events)}");

        var mine = events.Where(e => e.Pid == workload.Pid).ToList();
        Assert.True(samples > 100, $"only {samples} samples of the workload");
        Assert.Equal([ProcessLifecycle.Seen, ProcessLifecycle.Exit], mine.Select(e => e.Kind));
        Assert.All(mine, e => Assert.Equal("workload", e.ThreadName));
        Assert.Equal(0, sampler.ReadCounters().ProcessEventsLost);
    }

    [Fact]
    public void Processes_that_are_never_sampled_are_never_announced()
    {
        // The pid filter leaves the workload out: no sample, so no event, even when it exits.
        using var workload = Workload.Start(seconds: 1);
        using var sampler = CpuSampler.Load(new CpuSamplerOptions { FrequencyHz = 999, Pids = [1] });
        var events = new List<ProcessLifecycleEvent>();
        sampler.Start();
        Assert.True(workload.WaitForExit(Generous), "the workload did not end");

        // The exit tracepoint runs before the parent can reap the process, so whatever the kernel had
        // to say about the workload is in the ring by now, and one poll reads all of it.
        sampler.PollProcessEvents(events, Poll);

        sampler.Stop();
        Assert.DoesNotContain(events, e => e.Pid == workload.Pid);
    }

    private static void PollUntil(CpuSampler sampler, List<ProcessLifecycleEvent> events, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}; events: {string.Join(", ", events)}");
            sampler.PollProcessEvents(events, Poll);
        }
    }
}
