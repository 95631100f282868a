using System.Threading.Channels;
using Ember.Agent.Sampling;

namespace Ember.Agent.Tests.Session;

/// <summary>
/// A sampler without a kernel: each drain returns what <c>samplesOfDrain</c> says for its number
/// (1, 2, ...), and every call is recorded in order so tests can await drains and check the lifetime.
/// Process events are what the test <see cref="Announce"/>s.
/// </summary>
internal sealed class FakeSampleSource(Func<int, IReadOnlyList<CpuSample>> samplesOfDrain) : ISampleSource, IProcessEventSource
{
    private readonly Channel<int> _drains = Channel.CreateUnbounded<int>();
    private readonly Channel<ProcessLifecycleEvent> _events = Channel.CreateUnbounded<ProcessLifecycleEvent>();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _calls = [];
    private int _drainCount;

    /// <summary>Start, drain N and stop, in the order the session called them.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Completes once the session has started sampling (and read its window's start time).</summary>
    public Task Started => _started.Task;

    public void Start()
    {
        Record("start");
        _started.TrySetResult();
    }

    public CpuSampleBatch Drain()
    {
        var number = Interlocked.Increment(ref _drainCount);
        Record($"drain {number}");
        var samples = samplesOfDrain(number);
        _drains.Writer.TryWrite(number);
        return new CpuSampleBatch(samples, new SamplerCounters(samples.Sum(s => s.Count), 0, 0, 0, default, default));
    }

    public void Stop() => Record("stop");

    /// <summary>Hands the session a process event, as the kernel's ring buffer would.</summary>
    public void Announce(ProcessLifecycleEvent announced) => _events.Writer.TryWrite(announced);

    public int PollProcessEvents(List<ProcessLifecycleEvent> into, TimeSpan timeout)
    {
        // A real wait, as on the kernel's ring: the session polls on its own thread.
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            _events.Reader.WaitToReadAsync(wait.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        var before = into.Count;
        while (_events.Reader.TryRead(out var announced))
        {
            into.Add(announced);
        }

        return into.Count - before;
    }

    /// <summary>Waits for the next drain and returns its number (the timeout only stops a broken session from hanging the run).</summary>
    public async Task<int> NextDrainAsync() => await _drains.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    private void Record(string call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }
    }
}
