namespace Ember.Agent.Processes;

/// <summary>What the agent knows about a sampled process; it labels the process's profile.</summary>
/// <param name="Pid">Thread-group id.</param>
/// <param name="Name">Executable name (comm of the main thread, or the sampled thread's name when the process is gone).</param>
/// <param name="ExecutablePath">Resolved /proc/PID/exe, or null when unreadable or the process exited.</param>
/// <param name="Container">The container, when the cgroup path names one.</param>
/// <param name="StartTicks">Start time in clock ticks since boot (/proc/PID/stat field 22): tells a reused pid apart.</param>
public sealed record ProcessInfo(int Pid, string Name, string? ExecutablePath, ContainerIdentity? Container, ulong StartTicks);
