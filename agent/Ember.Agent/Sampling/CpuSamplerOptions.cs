namespace Ember.Agent.Sampling;

/// <summary>What <see cref="CpuSampler"/> samples and how much kernel memory it may use.</summary>
public sealed record CpuSamplerOptions
{
    /// <summary>Samples per second of CPU time, per CPU. 19 by default: a prime, so sampling does not alias with periodic timers.</summary>
    public int FrequencyHz { get; init; } = 19;

    /// <summary>Processes (thread group ids) to sample; empty samples every process.</summary>
    public IReadOnlyCollection<int> Pids { get; init; } = [];

    /// <summary>Whether to count samples of the idle task (pid 0) too.</summary>
    public bool SampleIdle { get; init; }

    /// <summary>
    /// How often the session drains the sampler: with <see cref="FrequencyHz"/> and the CPU count, it
    /// bounds the samples, and so the distinct keys and stacks, one slot can see between two drains.
    /// </summary>
    public TimeSpan DrainInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Distinct (process, thread name, stacks) keys each slot can count between two drains. A sample
    /// with a new key beyond this is dropped and counted in <see cref="SamplerCounters.CountMapFull"/>.
    /// Null: twice the samples every possible CPU can take in one <see cref="DrainInterval"/>, rounded
    /// up to a power of two, 1,024 to 16,384 (a drain that comes late has room still).
    /// </summary>
    public int? CountMapEntries { get; init; }

    /// <summary>
    /// Distinct stacks each slot's stack maps can hold between two drains (127 frames, about 1 KiB
    /// each, preallocated, one map for kernel and one for user stacks). Hash collisions grow as it
    /// fills; they lose the stack, not the sample. Null: sized as <see cref="CountMapEntries"/> is.
    /// </summary>
    public int? StackMapEntries { get; init; }

    /// <summary>The entries of a per-slot map: <paramref name="configured"/>, else sized for the sample rate on <paramref name="cpus"/> CPUs.</summary>
    internal int EntriesFor(int? configured, int cpus)
    {
        if (configured is { } entries)
        {
            return entries;
        }

        var samples = 2.0 * cpus * FrequencyHz * DrainInterval.TotalSeconds;
        return (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(samples, MinSizedEntries, MaxSizedEntries));
    }

    private const int MinSizedEntries = 1024;
    private const int MaxSizedEntries = 16384;

    /// <summary>
    /// Kernel memory for the program's own user-stack walk: by the unwind tables the agent loads
    /// (code without frame pointers), by frame pointers elsewhere. 0: the kernel's frame-pointer walk only.
    /// </summary>
    public UnwindMemoryBudget UnwindMemory { get; init; } = UnwindMemoryBudget.Default;

    internal void Validate()
    {
        if (!UnwindMemory.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(UnwindMemory), UnwindMemory.Bytes, $"0, or {UnwindMemoryBudget.MinBytes} to {UnwindMemoryBudget.MaxBytes} bytes");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(FrequencyHz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CountMapEntries ?? 1, nameof(CountMapEntries));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StackMapEntries ?? 1, nameof(StackMapEntries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DrainInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(Pids);
        foreach (var pid in Pids)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid, nameof(Pids));
        }
    }
}
