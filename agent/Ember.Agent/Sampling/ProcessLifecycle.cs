namespace Ember.Agent.Sampling;

/// <summary>What the kernel reported about a process (bpf/profiler.h, <c>EMBER_PROCESS_*</c>).</summary>
public enum ProcessLifecycle
{
    /// <summary>Its first sample since the sampler loaded, or since it last exec'd: capture it now, while it lives.</summary>
    Seen = 1,

    /// <summary>It replaced its image; its next sample announces it again.</summary>
    Exec = 2,

    /// <summary>It exited; samples taken before may still be waiting to be drained.</summary>
    Exit = 3,

    /// <summary>A CPython process ran a code object for the first time: read it now, while the process lives.</summary>
    PythonCode = 4,
}

/// <summary>One process event from the kernel.</summary>
/// <param name="Pid">The process (thread group) id.</param>
/// <param name="Kind">What happened.</param>
/// <param name="ThreadName">The thread that caused it, as the kernel names it.</param>
/// <param name="Address">For <see cref="ProcessLifecycle.PythonCode"/>, the code object's address.</param>
public readonly record struct ProcessLifecycleEvent(int Pid, ProcessLifecycle Kind, string ThreadName, ulong Address = 0);
