using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>
/// An open perf event (an fd from <c>perf_event_open</c>), created disabled; attaching a program
/// with <see cref="BpfProgram.AttachPerfEvent(PerfEvent)"/> enables it.
/// </summary>
public sealed class PerfEvent : IDisposable
{
    private PerfEvent(int cpu, SafeFileDescriptorHandle handle)
    {
        Cpu = cpu;
        Handle = handle;
    }

    /// <summary>The CPU the event counts on.</summary>
    public int Cpu { get; }

    internal SafeFileDescriptorHandle Handle { get; }

    /// <summary>
    /// Opens the software <c>cpu-clock</c> event on <paramref name="cpu"/> for every task, sampling
    /// <paramref name="frequencyHz"/> times per second of CPU time (frequency mode: the kernel adjusts the period).
    /// </summary>
    /// <exception cref="BpfPermissionException">CPU-wide events need CAP_PERFMON or a low kernel.perf_event_paranoid.</exception>
    /// <exception cref="BpfNotSupportedException">The kernel has no perf events or no cpu-clock event.</exception>
    /// <exception cref="BpfException">Any other failure, e.g. a frequency above kernel.perf_event_max_sample_rate.</exception>
    public static unsafe PerfEvent OpenCpuClock(int cpu, int frequencyHz)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frequencyHz);
        var attr = new Interop.Libc.PerfEventAttr
        {
            Type = Interop.Libc.PerfEventAttr.TypeSoftware,
            Size = Interop.Libc.PerfEventAttr.SizeVer0,
            Config = Interop.Libc.PerfEventAttr.SoftwareCpuClock,
            SamplePeriodOrFrequency = (ulong)frequencyHz,
            Flags = Interop.Libc.PerfEventAttr.FlagDisabled | Interop.Libc.PerfEventAttr.FlagFrequency,
        };
        var fd = Interop.Libc.PerfEventOpen(
            Interop.Libc.PerfEventOpenSyscall, &attr, pid: -1, cpu, groupFd: -1, Interop.Libc.PerfFlagFdCloexec);
        if (fd < 0)
        {
            throw CreateException(Marshal.GetLastPInvokeError(), cpu, frequencyHz);
        }

        return new PerfEvent(cpu, new SafeFileDescriptorHandle((int)fd));
    }

    /// <summary>Closes the event, unless a link took it over.</summary>
    public void Dispose() => Handle.Dispose();

    internal static BpfException CreateException(int errno, int cpu, int frequencyHz)
    {
        var cause = $"open cpu-clock perf event on cpu {cpu}: {BpfErrors.Describe(errno)}";
        return errno switch
        {
            Errno.EPERM or Errno.EACCES => new BpfPermissionException(
                $"{cause}: needs root or CAP_PERFMON (CAP_SYS_ADMIN on kernels before 5.8), or "
                + $"kernel.perf_event_paranoid at most 0 for CPU-wide events (it is {ReadSysctl("perf_event_paranoid")})",
                BpfErrors.Native(errno)),
            Errno.ENOSYS or Errno.ENOENT or Errno.EOPNOTSUPP => new BpfNotSupportedException(
                $"{cause}: the kernel has no software cpu-clock perf event (CONFIG_PERF_EVENTS)",
                "perf events", BpfErrors.Native(errno)),
            Errno.EINVAL => new BpfException(
                $"{cause}: {frequencyHz} Hz may exceed kernel.perf_event_max_sample_rate "
                + $"({ReadSysctl("perf_event_max_sample_rate")})",
                BpfErrors.Native(errno)),
            Errno.ENODEV => new BpfException($"{cause}: cpu {cpu} is offline", BpfErrors.Native(errno)),
            _ => new BpfException(cause, BpfErrors.Native(errno)),
        };
    }

    private static string ReadSysctl(string name)
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/" + name).Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
