namespace Ember.Agent.Sampling;

/// <summary>
/// Where a profiling session learns of processes as they come and go, while they live:
/// <see cref="CpuSampler"/>'s process_events ring buffer on the real kernel.
/// </summary>
public interface IProcessEventSource
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> for events and appends every one available to
    /// <paramref name="into"/>. Safe to call from one thread while another drains samples.
    /// </summary>
    /// <returns>How many events were appended.</returns>
    int PollProcessEvents(List<ProcessLifecycleEvent> into, TimeSpan timeout);
}
