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
    public const uint ProcessPythonCode = 4;
    public const int PythonCodesEntries = 16384;
    public const uint FlagFilterPids = 0x1;
    public const uint FlagSampleIdle = 0x2;
    public const uint FlagUnwind = 0x4;
    public const uint OwnStack = 0x80000000;
    public const int MaxUnwindMappings = 64;
    public const int FramesPerRun = 4;
    public const int RowSearchSteps = 22;
    public const uint MaxTableRows = 1u << 22;
    public const ulong PythonMark = 0xfffffffffffffffe;
    public const ulong PythonEntry = 0x1;
    public const int PythonIndexShift = 48;
    public const ulong PythonCodeMask = 0x0000fffffffffff8;
    public const int MaxPythonFrames = 48;
    public const int MaxPythonThreads = 64;
    public const ushort PythonPthreadId = 0x1;
    public const ushort PythonDirectFrame = 0x2;
    public const ushort PythonLasti = 0x4;
    public const ushort PythonOwner = 0x8;
    public const ushort PythonAllEntry = 0x10;
    public const uint TableEvicted = 0xffffffff;
    public const byte CfaNone = 0;
    public const byte CfaSp = 1;
    public const byte CfaFp = 2;
    public const byte CfaPlt = 3;
    public const byte CfaUnsupported = 4;
    public const byte FpAtCfa = 0x10;
}

/// <summary><c>struct unwind_row</c>: one row of an unwind table in unwind_rows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnwindRow
{
    public uint Pc;
    public short CfaOffset;
    public sbyte FpOffset;
    public byte Rule;
}

/// <summary><c>struct unwind_mapping</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnwindMapping
{
    public ulong Start;
    public ulong End;
    public ulong Bias;
    public uint FirstRow;
    public uint RowCount;
}

/// <summary><c>struct process_unwind</c>: the value of unwind_processes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ProcessUnwind
{
    public uint Count;
    public uint Reserved;
    public UnwindMappings Mappings;
}

/// <summary>The <c>mappings</c> array of <c>struct process_unwind</c>.</summary>
[InlineArray(ProfilerAbi.MaxUnwindMappings)]
internal struct UnwindMappings
{
    private UnwindMapping _element0;
}

/// <summary><c>struct unwind_stats</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnwindStats
{
    public ulong Stacks;
    public ulong FramesTable;
    public ulong FramesFp;
    public ulong NoProcess;
    public ulong NoTable;
    public ulong TableEvicted;
    public ulong NoRow;
    public ulong Unsupported;
    public ulong ReadFault;
    public ulong Depth;
    public ulong TailCallFailed;
    public ulong StackCollisions;
    public ulong StackMapFull;
}

/// <summary><c>struct python_process</c>: the value of python_processes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PythonProcess
{
    public ulong InterpretersHead;
    public ushort InterpThreadsHead;
    public ushort ThreadNext;
    public ushort ThreadNativeId;
    public ushort ThreadCframe;
    public ushort CframeCurrent;
    public ushort FrameCode;
    public ushort FramePrevious;
    public ushort FrameInstr;
    public ushort FrameEntry;
    public ushort CodeUnits;
    public ushort Flags;
    public ushort Reserved;
}

/// <summary><c>struct python_stats</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PythonStats
{
    public ulong Stacks;
    public ulong Frames;
    public ulong NoThread;
    public ulong NoFrame;
    public ulong ReadFault;
    public ulong Truncated;
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
    public ulong Address;
}

/// <summary><c>struct python_code_key</c>: the key of python_codes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PythonCodeKey
{
    public uint Pid;
    public uint Reserved;
    public ulong Code;
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
    public UnwindStats Unwind;
    public PythonStats Python;
}
