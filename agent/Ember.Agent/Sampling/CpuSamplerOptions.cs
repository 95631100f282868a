namespace Ember.Agent.Sampling;

/// <summary>What <see cref="CpuSampler"/> samples and how much kernel memory it may use.</summary>
public sealed class CpuSamplerOptions
{
    /// <summary>Samples per second of CPU time, per CPU. 19 by default: a prime, so sampling does not alias with periodic timers.</summary>
    public int FrequencyHz { get; init; } = 19;

    /// <summary>Processes (thread group ids) to sample; empty samples every process.</summary>
    public IReadOnlyCollection<int> Pids { get; init; } = [];

    /// <summary>Whether to count samples of the idle task (pid 0) too.</summary>
    public bool SampleIdle { get; init; }

    /// <summary>
    /// Distinct (process, thread name, stacks) keys each slot can count between two drains. A sample
    /// with a new key beyond this is dropped and counted in <see cref="SamplerCounters.CountMapFull"/>.
    /// </summary>
    public int CountMapEntries { get; init; } = 16384;

    /// <summary>
    /// Distinct stacks each slot's stack map can hold between two drains (127 frames, about 1 KiB
    /// each, preallocated). Hash collisions grow as it fills; they lose the stack, not the sample.
    /// </summary>
    public int StackMapEntries { get; init; } = 16384;

    /// <summary>
    /// Whether the program walks user stacks itself, by the unwind tables the agent loads (code
    /// without frame pointers) and by frame pointers elsewhere. Off: the kernel's frame-pointer walk only.
    /// </summary>
    public bool WalkUserStacks { get; init; } = true;

    /// <summary>Rows of unwind tables the kernel holds (8 bytes each, preallocated): the table memory budget.</summary>
    public int UnwindRowEntries { get; init; } = 1 << 20;

    /// <summary>Processes whose executable mappings the kernel holds for the walk (2 KiB each, preallocated).</summary>
    public int UnwindProcessEntries { get; init; } = 4096;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UnwindRowEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UnwindProcessEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FrequencyHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CountMapEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StackMapEntries);
        ArgumentNullException.ThrowIfNull(Pids);
        foreach (var pid in Pids)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid, nameof(Pids));
        }
    }
}
