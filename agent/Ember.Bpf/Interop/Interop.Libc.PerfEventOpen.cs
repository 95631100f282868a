using System.Runtime.InteropServices;

namespace Ember.Bpf;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>
        /// <c>struct perf_event_attr</c> up to <c>PERF_ATTR_SIZE_VER0</c> (64 bytes); the kernel
        /// zero-extends the fields it has beyond <see cref="Size"/>.
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct PerfEventAttr
        {
            public const uint SizeVer0 = 64;
            public const uint TypeSoftware = 1;
            public const ulong SoftwareCpuClock = 0;
            public const ulong FlagDisabled = 1UL << 0;
            public const ulong FlagFrequency = 1UL << 10;

            public uint Type;
            public uint Size;
            public ulong Config;
            public ulong SamplePeriodOrFrequency;
            public ulong SampleType;
            public ulong ReadFormat;
            public ulong Flags;
            public uint WakeupEvents;
            public uint BreakpointType;
            public ulong Config1;
        }

        internal const nuint PerfFlagFdCloexec = 8;

        /// <summary>glibc has no wrapper for perf_event_open: it goes through <c>syscall(2)</c>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        internal static unsafe partial nint PerfEventOpen(
            nint number, PerfEventAttr* attr, nint pid, nint cpu, nint groupFd, nuint flags);

        /// <summary>The perf_event_open syscall number of the running architecture.</summary>
        internal static nint PerfEventOpenSyscall => RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 298,
            Architecture.Arm64 => 241,
            var other => throw new BpfNotSupportedException(
                $"perf_event_open: no syscall number known for {other}", "perf_event_open"),
        };
    }
}
