using System.Globalization;

namespace Ember.Agent.Processes;

/// <summary>
/// Reads process metadata from /proc, caching it per (pid, start time) so a long-lived process is
/// read once and a reused pid is not mistaken for its predecessor. A process that has exited by
/// the time its samples are drained still gets an entry, named by the thread name the kernel
/// recorded with the samples, so its CPU time is reported.
/// </summary>
public sealed class ProcessInfoReader(string procRoot = "/proc")
{
    private readonly Dictionary<int, ProcessInfo> _cache = [];

    /// <summary>Metadata of a process; never throws for a vanished or unreadable process.</summary>
    public ProcessInfo Get(int pid, string fallbackName)
    {
        var directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var startTicks = ReadStartTicks(directory);
        if (_cache.TryGetValue(pid, out var cached) && (startTicks is null || cached.StartTicks == startTicks))
        {
            return cached;
        }

        var info = new ProcessInfo(
            pid,
            TryRead(Path.Combine(directory, "comm"))?.TrimEnd('\n') ?? fallbackName,
            TryReadLink(Path.Combine(directory, "exe")),
            TryRead(Path.Combine(directory, "cgroup")) is { } cgroup ? CgroupParser.Parse(cgroup) : null,
            startTicks ?? 0);
        if (startTicks is not null)
        {
            _cache[pid] = info;
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

    /// <summary>Forgets processes that no longer exist, so the cache stays bounded by live processes.</summary>
    public void Prune()
    {
        foreach (var pid in _cache.Keys.ToList())
        {
            if (!Directory.Exists(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture))))
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
