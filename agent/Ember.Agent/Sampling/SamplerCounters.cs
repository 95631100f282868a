namespace Ember.Agent.Sampling;

/// <summary>Why stack walks found nothing; the samples were still counted, without that stack.</summary>
/// <param name="NoFrames">Nothing to walk: no kernel frames when the sample hit user mode, no user frames in a kernel thread.</param>
/// <param name="Collisions">Another stack owned the stack map's hash bucket.</param>
/// <param name="NoMemory">The stack map had no free bucket.</param>
/// <param name="Other">Any other error.</param>
public readonly record struct StackErrorCounters(long NoFrames, long Collisions, long NoMemory, long Other);

/// <summary>How the program's own user-stack walks went (see bpf/profiler.h, struct unwind_stats).</summary>
/// <param name="Stacks">User stacks walked.</param>
/// <param name="FramesByTable">Frames stepped by an unwind table row.</param>
/// <param name="FramesByFramePointer">Frames stepped by frame pointers.</param>
/// <param name="NoProcess">Stacks of a process whose mappings were not loaded yet: frame pointers only.</param>
/// <param name="NoTable">Frames in a mapping without a table, or in no known mapping.</param>
/// <param name="TableEvicted">Frames whose table was evicted under the memory budget.</param>
/// <param name="NoRow">Frames whose pc no row covers.</param>
/// <param name="Unsupported">Frames covered by a rule the walk cannot follow.</param>
/// <param name="ReadFault">Walks that ended on a failed user memory read.</param>
/// <param name="Depth">Walks cut at the maximum depth.</param>
/// <param name="TailCallFailed">Walks cut because the next run could not start.</param>
/// <param name="StacksLost">User stacks lost to a hash collision or a full map (the samples still counted).</param>
public readonly record struct UnwindCounters(
    long Stacks, long FramesByTable, long FramesByFramePointer, long NoProcess, long NoTable, long TableEvicted,
    long NoRow, long Unsupported, long ReadFault, long Depth, long TailCallFailed, long StacksLost);

/// <summary>How the program's walks of CPython stacks went (see bpf/profiler.h, struct python_stats).</summary>
/// <param name="Stacks">Samples of a CPython process the agent described.</param>
/// <param name="Frames">Python frames recorded.</param>
/// <param name="NoThread">Samples of a thread that is no Python thread.</param>
/// <param name="NoFrame">Samples of a Python thread running no Python code.</param>
/// <param name="ReadFault">Walks that ended on a failed read of the interpreter's memory.</param>
/// <param name="Truncated">Walks cut at the frame limit or the stack's depth.</param>
public readonly record struct PythonCounters(long Stacks, long Frames, long NoThread, long NoFrame, long ReadFault, long Truncated);

/// <summary>Which CPUs the sampler covers, kept in step with CPU hotplug at each drain.</summary>
/// <param name="Sampled">CPUs with a sampling event now.</param>
/// <param name="Unsampled">Online CPUs the last drain could not attach to: their samples are lost until it can.</param>
/// <param name="LateAttaches">Events opened after start, for CPUs that came online (or back) since.</param>
public readonly record struct CpuCounters(int Sampled, int Unsampled, long LateAttaches);

/// <summary>
/// The sampler's counters, summed over CPUs, cumulative since load. Every run of the BPF program
/// is counted in <see cref="Samples"/>, so
/// <c>Samples == Dropped + (sum of every <see cref="CpuSample.Count"/> drained)</c>.
/// </summary>
/// <param name="Samples">Times the BPF program ran.</param>
/// <param name="FilteredIdle">Dropped: the idle task, while <see cref="CpuSamplerOptions.SampleIdle"/> is off.</param>
/// <param name="FilteredPid">Dropped: not one of <see cref="CpuSamplerOptions.Pids"/>.</param>
/// <param name="CountMapFull">Dropped: the counts map was full (see <see cref="CpuSamplerOptions.CountMapEntries"/>).</param>
/// <param name="UserStack">Samples kept without a user stack, by cause.</param>
/// <param name="KernelStack">Samples kept without a kernel stack, by cause.</param>
/// <param name="ProcessEventsLost">Process events the ring buffer had no room for (the samples still counted).</param>
/// <param name="Unwind">How the user-stack walks went.</param>
/// <param name="Cpus">Which CPUs are sampled.</param>
/// <param name="Python">How the CPython stack walks went.</param>
public readonly record struct SamplerCounters(
    long Samples, long FilteredIdle, long FilteredPid, long CountMapFull,
    StackErrorCounters UserStack, StackErrorCounters KernelStack, long ProcessEventsLost = 0, UnwindCounters Unwind = default,
    CpuCounters Cpus = default, PythonCounters Python = default)
{
    /// <summary>Samples not counted in any <see cref="CpuSample"/>.</summary>
    public long Dropped => FilteredIdle + FilteredPid + CountMapFull;
}
