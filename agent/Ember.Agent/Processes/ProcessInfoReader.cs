using System.Globalization;

namespace Ember.Agent.Processes;

/// <summary>
/// Reads process metadata from /proc, caching it per (pid, start time) so a long-lived process is
/// read once and a reused pid is not mistaken for its predecessor. A process that has exited by
/// the time its samples are drained still gets an entry, named by the thread name the kernel
/// recorded with the samples, so its CPU time is reported. Thread-safe: the profiling session
/// captures announced processes on its event thread while its loop reads them.
/// </summary>
public sealed class ProcessInfoReader(string procRoot = "/proc")
{
    private readonly Dictionary<int, ProcessInfo> _cache = [];
    private readonly Lock _lock = new();

    /// <summary>Metadata of a process; never throws for a vanished or unreadable process.</summary>
    public ProcessInfo Get(int pid, string fallbackName)
    {
        lock (_lock)
        {
            return GetLocked(pid, fallbackName);
        }
    }

    private ProcessInfo GetLocked(int pid, string fallbackName)
    {
        var directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var startTicks = ReadStartTicks(directory);
        if (_cache.TryGetValue(pid, out var cached) && (startTicks is null || cached.StartTicks == startTicks))
        {
            return cached;
        }

        return Remember(Read(pid, directory, startTicks, fallbackName));
    }

    /// <summary>Reads the process's files now.</summary>
    private static ProcessInfo Read(int pid, string directory, ulong? startTicks, string fallbackName) => new(
        pid,
        TryRead(Path.Combine(directory, "comm"))?.TrimEnd('\n') ?? fallbackName,
        TryReadLink(Path.Combine(directory, "exe")),
        TryRead(Path.Combine(directory, "cgroup")) is { } cgroup ? CgroupParser.Parse(cgroup) : null,
        startTicks ?? 0);

    /// <summary>Caches what was read from a process that was still there (it had a start time).</summary>
    private ProcessInfo Remember(ProcessInfo info)
    {
        if (info.StartTicks != 0)
        {
            _cache[info.Pid] = info;
        }

        return info;
    }

    /// <summary>The pids of the processes alive now.</summary>
    public IReadOnlySet<int> ListLivePids()
    {
        var pids = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    /// <summary>
    /// Reads a process again now, while it lives (the kernel announced it, or its new image after an
    /// exec, which keeps the start time), so it keeps its name and executable after it exits. A process
    /// already gone, or exiting, keeps what was read before: an exiting task can still be sampled, and
    /// announced again, after the kernel reported its exit.
    /// </summary>
    public ProcessInfo Capture(int pid, string fallbackName)
    {
        lock (_lock)
        {
            var directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
            var fresh = Read(pid, directory, ReadStartTicks(directory), fallbackName);

            // Gone, or exiting: its stat stays readable until it is reaped, but its executable link
            // goes with its memory, so the fresh read would lose what the first capture had.
            if (_cache.TryGetValue(pid, out var known)
                && (fresh.StartTicks == 0 || (fresh.StartTicks == known.StartTicks && fresh.ExecutablePath is null)))
            {
                return known;
            }

            return Remember(fresh);
        }
    }

    /// <summary>Forgets processes not in <paramref name="livePids"/>, so the cache stays bounded by live processes.</summary>
    public void Prune(IReadOnlySet<int> livePids)
    {
        ArgumentNullException.ThrowIfNull(livePids);
        lock (_lock)
        {
            foreach (var pid in _cache.Keys.Where(pid => !livePids.Contains(pid)).ToList())
            {
                _cache.Remove(pid);
            }
        }
    }

    private static ulong? ReadStartTicks(string directory)
    {
        // Field 2 (comm) may contain spaces and parentheses: fields are counted after the last ')'.
        var stat = TryRead(Path.Combine(directory, "stat"));
        var close = stat?.LastIndexOf(')') ?? -1;
        if (close < 0)
        {
            return null;
        }

        var fields = stat![(close + 2)..].Split(' ');
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? TryReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
