using Ember.Agent.Sampling;
using Ember.Agent.Unwinding;

namespace Ember.Agent.Telemetry;

/// <summary>
/// What the collect loop has seen, cumulative since start. Written by the collect loop, read by
/// the metrics callbacks on another thread (hence Volatile/Interlocked).
/// </summary>
public sealed class SamplingStatistics
{
    private SamplerCounters _counters;
    private long _samples;
    private long _distinctStacks;
    private long _filtered;
    private long _unknownFrames;
    private long _processesCaptured;
    private long _processesExited;
    private long _kernelMemoryBytes;
    private readonly Lock _countersLock = new();
    private UnwindTableReport _unwindTables;

    /// <summary>The sampler's own counters (kernel side), as last read.</summary>
    public SamplerCounters Counters
    {
        get
        {
            lock (_countersLock)
            {
                return _counters;
            }
        }
    }

    /// <summary>The unwind tables' counters and memory, as the table store last reported them.</summary>
    public UnwindTableReport UnwindTables
    {
        get
        {
            lock (_countersLock)
            {
                return _unwindTables;
            }
        }
    }

    /// <summary>Records the unwind table store's state.</summary>
    public void UnwindTablesChanged(UnwindTableReport report)
    {
        lock (_countersLock)
        {
            _unwindTables = report;
        }
    }

    /// <summary>Bytes of kernel memory the sampler's BPF maps are charged for; 0 until it is loaded.</summary>
    public long KernelMemoryBytes => Interlocked.Read(ref _kernelMemoryBytes);

    /// <summary>Records the loaded sampler's kernel memory.</summary>
    public void SamplerLoaded(long kernelMemoryBytes) => Interlocked.Exchange(ref _kernelMemoryBytes, kernelMemoryBytes);

    /// <summary>Samples drained into profiles.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Distinct (process, thread, stack) entries in the last drain.</summary>
    public long DistinctStacks => Interlocked.Read(ref _distinctStacks);

    /// <summary>Samples left out by the namespace filter.</summary>
    public long Filtered => Interlocked.Read(ref _filtered);

    /// <summary>Frames no symbol source could name.</summary>
    public long UnknownFrames => Interlocked.Read(ref _unknownFrames);

    /// <summary>Processes captured while they lived, as the kernel announced them.</summary>
    public long ProcessesCaptured => Interlocked.Read(ref _processesCaptured);

    /// <summary>Announced processes the kernel saw exit.</summary>
    public long ProcessesExited => Interlocked.Read(ref _processesExited);

    /// <summary>Records one captured process.</summary>
    public void ProcessCaptured() => Interlocked.Increment(ref _processesCaptured);

    /// <summary>Records one exited process.</summary>
    public void ProcessExited() => Interlocked.Increment(ref _processesExited);

    /// <summary>Records one drain.</summary>
    public void Drained(CpuSampleBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_countersLock)
        {
            _counters = batch.Counters;
        }

        Interlocked.Add(ref _samples, batch.Samples.Sum(s => s.Count));
        Interlocked.Exchange(ref _distinctStacks, batch.Samples.Count);
    }

    /// <summary>Records one built window's filtered samples and unnamed frames.</summary>
    public void WindowBuilt(long filtered, long unknownFrames)
    {
        Interlocked.Add(ref _filtered, filtered);
        Interlocked.Add(ref _unknownFrames, unknownFrames);
    }
}
