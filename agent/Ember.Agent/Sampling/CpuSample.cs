namespace Ember.Agent.Sampling;

/// <summary>
/// One aggregated on-CPU stack: how many samples found this process, thread name and stacks.
/// Stacks are instruction addresses, leaf first; the leaf is the sampled instruction and the
/// others are return addresses. A stack is empty when none was recorded (see <see cref="SamplerCounters"/>).
/// </summary>
/// <param name="Pid">The process (thread group id).</param>
/// <param name="ThreadName">The sampled thread's name (comm), at most 15 characters.</param>
/// <param name="UserStack">User-space frames, leaf first.</param>
/// <param name="KernelStack">Kernel frames, leaf first; empty when the sample hit user mode.</param>
/// <param name="Count">Number of samples.</param>
public sealed record CpuSample(
    int Pid, string ThreadName, IReadOnlyList<ulong> UserStack, IReadOnlyList<ulong> KernelStack, long Count);
