using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ember.Agent.Sampling;

// The C# side of bpf/profiler.h. Names are the C names in PascalCase, in the same order with the
// same widths: ProfilerAbiTests compiles the header and checks every constant, size and offset.

/// <summary>The constants of bpf/profiler.h (<c>EMBER_*</c>).</summary>
internal static class ProfilerAbi
{
    public const int SlotCount = 2;
    public const int MaxStackDepth = 127;
    public const uint NoStack = 0xffffffff;
    public const int KnownPidsEntries = 32768;
    public const int ProcessEventsBytes = 256 * 1024;
    public const uint ProcessSeen = 1;
    public const uint ProcessExec = 2;
    public const uint ProcessExit = 3;
    public const uint FlagFilterPids = 0x1;
    public const uint FlagSampleIdle = 0x2;
}

/// <summary><c>struct sampler_control</c>: control[0].</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SamplerControl
{
    public uint ActiveSlot;
    public uint Flags;
}

/// <summary><c>struct sample_key</c>: the key of counts_0/counts_1.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SampleKey
{
    public uint Pid;
    public uint UserStackId;
    public uint KernelStackId;
    public CommBytes Comm;
}

/// <summary>The 16 bytes of a thread name, NUL-padded (<c>__u32 comm[4]</c> in C).</summary>
[InlineArray(16)]
internal struct CommBytes
{
    private byte _element0;
}

/// <summary><c>struct process_event</c>: one record of the process_events ring buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProcessEvent
{
    public uint Pid;
    public uint Kind;
    public CommBytes Comm;
}

/// <summary><c>struct stack_errors</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct StackErrors
{
    public ulong NoFrames;
    public ulong Collisions;
    public ulong NoMemory;
    public ulong Other;
}

/// <summary><c>struct sampler_stats</c>: stats[0], one per CPU.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SamplerStats
{
    public ulong Samples;
    public ulong FilteredIdle;
    public ulong FilteredPid;
    public ulong CountMapFull;
    public StackErrors UserStack;
    public StackErrors KernelStack;
    public ulong ProcessEventsLost;
}
