using Ember.Agent.Sampling;

namespace Ember.Agent.Session;

/// <summary>
/// Announced processes waiting to be captured, those started since the session began first. When
/// sampling starts, the kernel announces every process already running at once, and capturing a few
/// hundred of them takes longer than a cron job or a CLI lives; a process that exec'd since is
/// captured ahead of that backlog. Used by the session's event thread only.
/// </summary>
internal sealed class CaptureQueue
{
    private readonly HashSet<int> _execed = [];
    private readonly Queue<ProcessLifecycleEvent> _started = new();
    private readonly Queue<ProcessLifecycleEvent> _running = new();

    /// <summary>True when no capture waits.</summary>
    public bool IsEmpty => _started.Count == 0 && _running.Count == 0;

    /// <summary>Queues an announcement for its capture; false for an event that needs none (exec, exit): pass it on now.</summary>
    public bool Add(ProcessLifecycleEvent announced)
    {
        switch (announced.Kind)
        {
            case ProcessLifecycle.Seen:
                (_execed.Remove(announced.Pid) ? _started : _running).Enqueue(announced);
                return true;
            case ProcessLifecycle.Exec:
                _execed.Add(announced.Pid);
                return false;
            default:
                _execed.Remove(announced.Pid);
                return false;
        }
    }

    /// <summary>The next announcement to capture: the oldest of processes started since the session began, else of the others.</summary>
    public bool TryTake(out ProcessLifecycleEvent announced) =>
        _started.TryDequeue(out announced) || _running.TryDequeue(out announced);
}
