using System.Globalization;

namespace Ember.Symbols.Processes;

/// <summary>
/// A process's PID as its own PID namespace sees it (the last of /proc/PID/status's NSpid): the
/// number a runtime inside a container puts in the names of its files, such as /tmp/perf-PID.map.
/// </summary>
public static class NamespacePid
{
    /// <summary>The innermost PID of <paramref name="pid"/>; <paramref name="pid"/> itself when status cannot be read (the agent's namespace is assumed).</summary>
    public static int Read(string procRoot, int pid)
    {
        ArgumentNullException.ThrowIfNull(procRoot);
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "status")))
            {
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    var innermost = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[^1];
                    return int.TryParse(innermost, NumberStyles.None, CultureInfo.InvariantCulture, out var inner) ? inner : pid;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without status, assume the agent's PID namespace.
        }

        return pid;
    }
}
