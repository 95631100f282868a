using System.Globalization;

namespace Ember.Agent.Tests.Workloads;

/// <summary>The CPU time a process has used, and waiting for it to use more: what a sampling test waits for, not wall time.</summary>
internal static class ProcessCpu
{
    // USER_HZ: /proc/PID/stat reports CPU time in these ticks on every Linux architecture.
    private const double TicksPerSecond = 100;

    // Polling only watches for the CPU time to grow; no assertion depends on how often.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>User + system CPU time of all the process's threads, from /proc/PID/stat (fields 14 and 15).</summary>
    public static TimeSpan Used(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// Returns once the process has used <paramref name="amount"/> more CPU time than at the call, however
    /// busy the machine is; <paramref name="timeout"/> only bounds a hang.
    /// </summary>
    public static void WaitFor(int pid, TimeSpan amount, TimeSpan timeout)
    {
        var target = Used(pid) + amount;
        var deadline = DateTime.UtcNow + timeout;
        while (Used(pid) < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"process {pid} did not use {amount.TotalSeconds} s of CPU time within {timeout.TotalSeconds} s");
            }

            Thread.Sleep(PollInterval);
        }
    }
}
