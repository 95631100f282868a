using System.Threading.Channels;
using Ember.Agent.Processes;
using Ember.Agent.Profiles;
using Ember.Agent.Sampling;
using Ember.Agent.Symbolization;
using Ember.Agent.Telemetry;
using Ember.Agent.Unwinding;

namespace Ember.Agent.Session;

/// <summary>
/// One profiling session, the pipeline both <c>run</c> and <c>record</c> use: sampler → process
/// tracker (and the labels' filter) → symbolization → profile builder → output. It starts the
/// sampler, drains it every <see cref="ProfilingSessionOptions.DrainInterval"/>, symbolizes what it
/// drained at once (while the processes still exist), cuts a window every
/// <see cref="ProfilingSessionOptions.Window"/> and then forgets exited processes; on stop (or after
/// <see cref="ProfilingSessionOptions.Duration"/>) it stops the sampler and ships the last, partial window.
/// Between drains it captures each process the kernel announces (its first sample), so a process
/// that exits before the next drain still has its name and its frames.
/// </summary>
/// <remarks>
/// Deadlines are absolute times on the injected <see cref="TimeProvider"/>, so a late wake-up (or a
/// test advancing a fake clock before the loop waits) drains and cuts as if it had woken on time.
/// The session does not own its stages; the composition root disposes them. One background thread
/// polls <paramref name="processEvents"/> and captures each announced process at once
/// (<see cref="ProcessInfoReader.Capture"/>, <see cref="StackSymbolizer.Capture"/>, both thread-safe);
/// a second one loads their unwind tables (<see cref="UnwindTableStore.Run"/>), so a table build
/// never delays the capture of the next process; every other stage runs on the session's own loop.
/// </remarks>
public sealed class ProfilingSession(
    ISampleSource sampler,
    IProcessEventSource? processEvents,
    ProcessInfoReader processes,
    StackSymbolizer symbolizer,
    CpuProfileBuilder builder,
    IProcessLabels? labels,
    IWindowOutput output,
    ProfilingSessionOptions options,
    SamplingStatistics statistics,
    TimeProvider time,
    UnwindTableStore? unwinding = null)
{
    /// <summary>Processes seen this window; null marks one the labels leave out.</summary>
    private readonly Dictionary<int, ProcessInfo?> _windowProcesses = [];

    /// <summary>Process events on their way from the polling thread to the loop; full, the poller waits and the kernel counts what its ring cannot hold.</summary>
    private readonly Channel<ProcessLifecycleEvent> _announced = Channel.CreateBounded<ProcessLifecycleEvent>(
        new BoundedChannelOptions(ProcessEventBacklog) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private long _filteredSamples;

    /// <summary>How long one poll of the process events waits; also how soon the poller notices the session ended.</summary>
    private static readonly TimeSpan ProcessEventPoll = TimeSpan.FromMilliseconds(100);

    private const int ProcessEventBacklog = 16384;

    /// <summary>Samples until <paramref name="stop"/> or the session's duration, then ships the last window.</summary>
    /// <exception cref="Ember.Bpf.BpfException">The sampler failed to start.</exception>
    public async Task RunAsync(CancellationToken stop)
    {
        var windowStart = time.GetUtcNow();
        var end = options.Duration is { } duration ? windowStart + duration : DateTimeOffset.MaxValue;
        var nextDrain = windowStart + options.DrainInterval;
        sampler.Start();
        using var stopPolling = new CancellationTokenSource();
        var polling = processEvents is null
            ? Task.CompletedTask
            : Task.Factory.StartNew(() => PollProcessEvents(processEvents, stopPolling.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var loadingTables = unwinding is null
            ? Task.CompletedTask
            : Task.Factory.StartNew(() => unwinding.Run(stopPolling.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            while (!stop.IsCancellationRequested && time.GetUtcNow() < end)
            {
                var windowEnd = options.Window is { } window ? windowStart + window : DateTimeOffset.MaxValue;
                var wake = Earliest(nextDrain, windowEnd, end);
                await WaitUntilAsync(wake, stop).ConfigureAwait(false);
                if (polling.IsFaulted)
                {
                    await polling.ConfigureAwait(false); // the sampler's ring failed: say so rather than lose processes quietly
                }

                ApplyAnnounced();
                if (stop.IsCancellationRequested)
                {
                    break; // the drain after stopping takes what is left
                }

                if (time.GetUtcNow() < wake)
                {
                    continue; // woken by a process event
                }

                // A drain's time is when it began: it takes what was counted until then, so a window holds
                // the drains that began inside it, however long symbolizing them takes.
                var now = time.GetUtcNow();

                // A process not alive before a cutting drain has all its samples in it: its state may go at the cut.
                var aliveBeforeDrain = now >= windowEnd ? processes.ListLivePids() : null;
                var counters = Drain();

                // On schedule (a drain for the window's end keeps it), with one catch-up drain after a late one.
                if (now >= nextDrain)
                {
                    nextDrain = nextDrain + options.DrainInterval > now ? nextDrain + options.DrainInterval : now;
                }
                if (aliveBeforeDrain is not null)
                {
                    windowStart = Cut(windowStart, now, counters);

                    // A long-running agent keeps per-process state only for processes still alive.
                    symbolizer.Prune(aliveBeforeDrain);
                    processes.Prune(aliveBeforeDrain);
                    unwinding?.Prune(aliveBeforeDrain);
                }
            }
        }
        finally
        {
            sampler.Stop();
            await stopPolling.CancelAsync().ConfigureAwait(false);
            await polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await loadingTables.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        ApplyAnnounced();
        var last = Drain();
        Cut(windowStart, time.GetUtcNow(), last);
    }

    /// <summary>Returns at <paramref name="wake"/> on the session's clock, or at once when stopped.</summary>
    private async Task WaitUntilAsync(DateTimeOffset wake, CancellationToken stop)
    {
        var now = time.GetUtcNow();
        if (wake <= now)
        {
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var delay = Task.Delay(wake - now, time, cancel.Token);

        // The clock may have passed the wake time while the timer was set (a fake clock advanced by a
        // test, a paused VM); that timer would count from the later time, so do not wait for it.
        if (time.GetUtcNow() >= wake)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        // A process the kernel announced is captured at once: it may live only a fraction of a second.
        var announced = _announced.Reader.WaitToReadAsync(cancel.Token).AsTask();
        await Task.WhenAny(delay, announced).ConfigureAwait(false);
        await cancel.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(delay, announced).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The event thread: captures each announced process and passes the events on to the loop, until stopped.</summary>
    private void PollProcessEvents(IProcessEventSource source, CancellationToken stop)
    {
        var batch = new List<ProcessLifecycleEvent>();
        var captures = new CaptureQueue();
        while (!stop.IsCancellationRequested)
        {
            batch.Clear();

            // While captures wait, look for newer events between two of them without waiting: a process
            // started now goes ahead of the ones running since before the session.
            source.PollProcessEvents(batch, captures.IsEmpty ? ProcessEventPoll : TimeSpan.Zero);
            foreach (var announced in batch)
            {
                if (announced.Kind == ProcessLifecycle.PythonCode)
                {
                    symbolizer.CapturePythonCode(announced.Pid, announced.Address);
                    continue; // nothing for the loop to do
                }

                if (!captures.Add(announced))
                {
                    PassOn(announced, stop);
                }
            }

            // Captured here, at once, not on the loop: a drain there may take longer than the process lives.
            if (captures.TryTake(out var next))
            {
                processes.Capture(next.Pid, next.ThreadName);
                symbolizer.Capture(next.Pid);
                unwinding?.Request(next.Pid);
                PassOn(next, stop);
            }
        }
    }

    private void PassOn(ProcessLifecycleEvent announced, CancellationToken stop)
    {
        if (!_announced.Writer.TryWrite(announced))
        {
            _announced.Writer.WriteAsync(announced, stop).AsTask().Wait(stop);
        }
    }

    /// <summary>The loop's part of the events the event thread passed on: what this window already decided about a renewed pid, and the counts.</summary>
    private void ApplyAnnounced()
    {
        while (_announced.Reader.TryRead(out var announced))
        {
            switch (announced.Kind)
            {
                case ProcessLifecycle.Seen:
                    symbolizer.Renew(announced.Pid);
                    _windowProcesses.Remove(announced.Pid);
                    statistics.ProcessCaptured();
                    break;
                case ProcessLifecycle.Exit:
                    statistics.ProcessExited();
                    break;
                case ProcessLifecycle.Exec:
                    break; // its next sample announces the new image
            }
        }
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) =>
        a < b ? (a < c ? a : c) : (b < c ? b : c);

    private SamplerCounters Drain()
    {
        var batch = sampler.Drain();
        statistics.Drained(batch);
        foreach (var sample in batch.Samples)
        {
            if (ProcessOf(sample) is { } process)
            {
                builder.Add(process, symbolizer.Resolve(sample));
            }
            else
            {
                _filteredSamples += sample.Count;
            }
        }

        return batch.Counters;
    }

    /// <summary>The sample's process, or null when the labels leave it out (decided once per window).</summary>
    private ProcessInfo? ProcessOf(CpuSample sample)
    {
        if (!_windowProcesses.TryGetValue(sample.Pid, out var process))
        {
            process = processes.Get(sample.Pid, sample.ThreadName);
            if (labels?.ShouldProfile(process) == false)
            {
                process = null;
            }

            _windowProcesses.Add(sample.Pid, process);
        }

        return process;
    }

    /// <summary>Builds the window, hands it to the output and returns the next window's start.</summary>
    private DateTimeOffset Cut(DateTimeOffset start, DateTimeOffset end, SamplerCounters counters)
    {
        var samples = builder.SampleCount;
        var unknown = builder.UnknownFrames;
        statistics.WindowBuilt(_filteredSamples, unknown);
        var data = builder.Build(start, end);
        _filteredSamples = 0;
        _windowProcesses.Clear();
        output.Write(new ProfileWindow(data, samples, unknown, start, end, counters));
        return end;
    }
}
