using Ember.Bpf;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Sampling;

/// <summary>
/// The sampling program attached to a cpu-clock event on each online CPU, kept in step with CPU
/// hotplug: a CPU that comes online gets its event at the next refresh, one that goes offline loses
/// it. A CPU taken offline and back between two refreshes keeps a dead event (the kernel does not
/// revive it); such a CPU is online but its epoch did not move since the last refresh, so its event
/// is opened anew. Not thread safe: <see cref="CpuSampler"/> calls it under its lock.
/// </summary>
internal sealed partial class CpuClockLinks(BpfProgram program, int frequencyHz, ILogger logger)
{
    private readonly Dictionary<int, BpfLink> _links = [];
    private ulong[]? _lastEpochs;

    /// <summary>CPUs sampled now.</summary>
    public int Count => _links.Count;

    /// <summary>Online CPUs the last refresh could not attach to (their samples are lost, and counted here as CPUs).</summary>
    public int Unsampled { get; private set; }

    /// <summary>Events opened after start: for a CPU that came online, or anew for one whose event died.</summary>
    public long LateAttaches { get; private set; }

    /// <summary>Attaches to every CPU in <paramref name="online"/>; throws on the first that fails (at start, a failure is the caller's to report).</summary>
    public void AttachAll(IReadOnlyList<int> online)
    {
        foreach (var cpu in online)
        {
            _links[cpu] = Attach(cpu);
        }

        _lastEpochs = null;
    }

    /// <summary>Brings the events in line with <paramref name="online"/>, given each possible CPU's program epoch now.</summary>
    public void Refresh(IReadOnlyList<int> online, ReadOnlySpan<ulong> epochs)
    {
        var isOnline = online.ToHashSet();
        foreach (var cpu in _links.Keys.Where(cpu => !isOnline.Contains(cpu)).ToList())
        {
            _links.Remove(cpu, out var link);
            link!.Dispose();
            LogOffline(logger, cpu);
        }

        var unsampled = 0;
        foreach (var cpu in online)
        {
            var known = _links.TryGetValue(cpu, out var link);
            var stale = known && _lastEpochs is { } last && cpu < last.Length && cpu < epochs.Length && epochs[cpu] == last[cpu];
            if (known && !stale)
            {
                continue;
            }

            link?.Dispose();
            _links.Remove(cpu);
            try
            {
                _links[cpu] = Attach(cpu);
                LateAttaches++;
                LogAttached(logger, cpu, stale ? "its event stopped (offline and back since the last drain)" : "it came online");
            }
            catch (BpfException ex)
            {
                // Offline again already, or out of perf events: tried again at the next refresh.
                unsampled++;
                LogAttachFailed(logger, cpu, ex.Message);
            }
        }

        Unsampled = unsampled;
        _lastEpochs = epochs.ToArray();
    }

    /// <summary>Detaches from every CPU.</summary>
    public void DetachAll()
    {
        foreach (var link in _links.Values)
        {
            link.Dispose();
        }

        _links.Clear();
        _lastEpochs = null;
    }

    private BpfLink Attach(int cpu)
    {
        var perfEvent = PerfEvent.OpenCpuClock(cpu, frequencyHz);
        try
        {
            return program.AttachPerfEvent(perfEvent);
        }
        catch
        {
            perfEvent.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "cpu {Cpu} sampled from now on: {Why}")]
    private static partial void LogAttached(ILogger logger, int cpu, string why);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "cpu {Cpu} went offline: not sampled until it is back")]
    private static partial void LogOffline(ILogger logger, int cpu);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "cpu {Cpu} is online but cannot be sampled: {Reason}")]
    private static partial void LogAttachFailed(ILogger logger, int cpu, string reason);
}
