using Ember.Agent.Sampling;
using Ember.Agent.Session;

namespace Ember.Agent.Tests.Session;

public sealed class CaptureQueueTests
{
    [Fact]
    public void A_process_that_execd_since_the_start_is_captured_before_the_backlog_of_running_ones()
    {
        var queue = new CaptureQueue();
        for (var pid = 100; pid < 400; pid++)
        {
            Assert.True(queue.Add(Event(pid, ProcessLifecycle.Seen)));
        }

        Assert.True(queue.TryTake(out var first));
        Assert.Equal(100, first.Pid);

        // The cron job: exec, then its first sample.
        Assert.False(queue.Add(Event(900, ProcessLifecycle.Exec)));
        Assert.True(queue.Add(Event(900, ProcessLifecycle.Seen)));

        Assert.True(queue.TryTake(out var next));
        Assert.Equal(900, next.Pid);
        Assert.True(queue.TryTake(out var after));
        Assert.Equal(101, after.Pid); // then the backlog, in order
    }

    [Fact]
    public void Exit_and_exec_need_no_capture_and_an_exit_forgets_an_exec()
    {
        var queue = new CaptureQueue();
        Assert.False(queue.Add(Event(7, ProcessLifecycle.Exec)));
        Assert.False(queue.Add(Event(7, ProcessLifecycle.Exit)));
        Assert.True(queue.IsEmpty);

        // The pid reused by a process forked from one running since before: no priority.
        Assert.True(queue.Add(Event(5, ProcessLifecycle.Seen)));
        Assert.True(queue.Add(Event(7, ProcessLifecycle.Seen)));
        Assert.True(queue.TryTake(out var first));
        Assert.Equal(5, first.Pid);
        Assert.True(queue.TryTake(out _));
        Assert.False(queue.TryTake(out _));
        Assert.True(queue.IsEmpty);
    }

    private static ProcessLifecycleEvent Event(int pid, ProcessLifecycle kind) => new(pid, kind, "job");
}
