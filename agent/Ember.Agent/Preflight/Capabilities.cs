using System.Globalization;

namespace Ember.Agent.Preflight;

/// <summary>Linux capabilities the agent needs, read from the effective set in /proc/self/status.</summary>
public static class Capabilities
{
    /// <summary>CAP_SYS_PTRACE: read other processes' /proc/PID/maps and binaries through /proc/PID/root.</summary>
    public const int SysPtrace = 19;

    /// <summary>CAP_SYS_ADMIN: grants BPF and perf events on kernels before 5.8.</summary>
    public const int SysAdmin = 21;

    /// <summary>CAP_PERFMON (5.8+): open perf events system-wide.</summary>
    public const int Perfmon = 38;

    /// <summary>CAP_BPF (5.8+): load BPF programs and create maps.</summary>
    public const int Bpf = 39;

    /// <summary>Parses the CapEff line of a /proc/PID/status file.</summary>
    public static ulong ParseEffective(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                return ulong.Parse(line.AsSpan("CapEff:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException("no CapEff line in the status file");
    }

    /// <summary>True when the capability is in the set.</summary>
    public static bool Has(ulong set, int capability) => (set & (1UL << capability)) != 0;
}
