using Ember.Agent.Sampling;

namespace Ember.Agent.Python;

/// <summary>
/// Where one CPython minor version keeps what a stack walk reads, on x86-64: byte offsets into its
/// structs, from that version's headers (Include/internal/pycore_runtime.h, pycore_interp.h,
/// pycore_frame.h, cpython/pystate.h, cpython/code.h, cpython/unicodeobject.h; 3.10's
/// cpython/frameobject.h), and how its frame chain differs from 3.11's. <c>CPythonLayoutTests</c>
/// walks each real interpreter's own stack with them (Debian's 3.11, the machine's pyenv 3.10, 3.12
/// and 3.13 builds).
/// </summary>
/// <remarks>
/// 3.10 chains PyFrameObjects from <c>tstate->frame</c>, each run by its own interpreter loop, and
/// knows its thread by <c>pthread_self()</c> only; 3.11 and 3.12 reach the frame through
/// <c>_PyCFrame</c>; 3.12 and 3.13 mark frames entered from C with a shim frame owned by the C stack;
/// 3.13 keeps the current frame on the thread state. Any other version keeps its native frames and is
/// counted and logged as unsupported.
/// </remarks>
public sealed record CPythonLayout
{
    /// <summary>CPython 3.10.</summary>
    public static CPythonLayout Python310 { get; } = new()
    {
        Minor = 10,
        RuntimeInterpretersHead = 32,
        InterpThreadsHead = 8,
        ThreadNext = 8,
        ThreadId = 176,
        ThreadIdIsPthread = true,
        ThreadFrame = 24,
        FrameCode = 32,
        FramePrevious = 24,
        FrameInstr = 96,
        FrameInstrIsIndex = true,
        Entry = PythonEntryMark.EveryFrame,
        CodeFileName = 104,
        CodeName = 112,
        CodeLineTable = 120,
        LineTable = PythonLineTableFormat.AddressRanges,
        CodeFirstLine = 40,
    };

    /// <summary>CPython 3.11 (Debian 12's python3).</summary>
    public static CPythonLayout Python311 { get; } = new()
    {
        Minor = 11,
        RuntimeInterpretersHead = 40,
        InterpThreadsHead = 16,
        ThreadNext = 8,
        ThreadId = 160,
        ThreadFrame = 56,
        CframeCurrentFrame = 8,
        FrameCode = 32,
        FramePrevious = 48,
        FrameInstr = 56,
        FrameEntry = 68,
        Entry = PythonEntryMark.EntryFlag,
        CodeFileName = 112,
        CodeName = 128,
        CodeLineTable = 136,
        CodeFirstLine = 72,
        CodeUnits = 184,
    };

    /// <summary>CPython 3.12.</summary>
    public static CPythonLayout Python312 { get; } = new()
    {
        Minor = 12,
        RuntimeInterpretersHead = 40,
        InterpThreadsHead = 72,
        ThreadNext = 8,
        ThreadId = 144,
        ThreadFrame = 56,
        CframeCurrentFrame = 0,
        FrameCode = 0,
        FramePrevious = 8,
        FrameInstr = 56,
        FrameEntry = 70,
        Entry = PythonEntryMark.ShimFrame,
        CodeFileName = 112,
        CodeName = 128,
        CodeLineTable = 136,
        CodeFirstLine = 68,
        CodeUnits = 192,
        UnicodeAsciiData = 40,
        UnicodeCompactData = 56,
    };

    /// <summary>CPython 3.13 (the default build, with the GIL).</summary>
    public static CPythonLayout Python313 { get; } = new()
    {
        Minor = 13,
        RuntimeInterpretersHead = 632,
        InterpThreadsHead = 7344,
        ThreadNext = 8,
        ThreadId = 160,
        ThreadFrame = 72,
        FrameCode = 0,
        FramePrevious = 8,
        FrameInstr = 56,
        FrameEntry = 70,
        Entry = PythonEntryMark.ShimFrame,
        CodeFileName = 112,
        CodeName = 128,
        CodeLineTable = 136,
        CodeFirstLine = 68,
        CodeUnits = 200,
        UnicodeAsciiData = 40,
        UnicodeCompactData = 56,
    };

    private static readonly CPythonLayout[] _known = [Python310, Python311, Python312, Python313];

    /// <summary>The minor version of 3.x.</summary>
    public required int Minor { get; init; }

    /// <summary><c>_PyRuntimeState.interpreters.head</c>.</summary>
    public required int RuntimeInterpretersHead { get; init; }

    /// <summary><c>PyInterpreterState.threads.head</c> (3.10: <c>tstate_head</c>).</summary>
    public required int InterpThreadsHead { get; init; }

    /// <summary><c>PyThreadState.next</c>.</summary>
    public required int ThreadNext { get; init; }

    /// <summary><c>PyThreadState.native_thread_id</c>, or <c>thread_id</c> where <see cref="ThreadIdIsPthread"/>.</summary>
    public required int ThreadId { get; init; }

    /// <summary>The thread is known by <c>pthread_self()</c> (3.10 has no native thread id).</summary>
    public bool ThreadIdIsPthread { get; init; }

    /// <summary>
    /// <c>PyThreadState.cframe</c> (3.11, 3.12), or the current frame itself where
    /// <see cref="CframeCurrentFrame"/> is null: <c>current_frame</c> (3.13), <c>frame</c> (3.10).
    /// </summary>
    public required int ThreadFrame { get; init; }

    /// <summary><c>_PyCFrame.current_frame</c>; null where the thread state holds the frame.</summary>
    public int? CframeCurrentFrame { get; init; }

    /// <summary><c>_PyInterpreterFrame.f_code</c> (3.13: <c>f_executable</c>; 3.10: <c>PyFrameObject.f_code</c>).</summary>
    public required int FrameCode { get; init; }

    /// <summary><c>_PyInterpreterFrame.previous</c> (3.10: <c>f_back</c>).</summary>
    public required int FramePrevious { get; init; }

    /// <summary><c>_PyInterpreterFrame.prev_instr</c> (3.13: <c>instr_ptr</c>; 3.10: <c>f_lasti</c>).</summary>
    public required int FrameInstr { get; init; }

    /// <summary><see cref="FrameInstr"/> is an int code unit index (3.10), not a pointer to the unit.</summary>
    public bool FrameInstrIsIndex { get; init; }

    /// <summary><c>_PyInterpreterFrame.is_entry</c> (3.11) or <c>owner</c> (3.12+): see <see cref="Entry"/>.</summary>
    public int FrameEntry { get; init; }

    /// <summary>How a frame entered from C is told.</summary>
    public required PythonEntryMark Entry { get; init; }

    /// <summary><c>PyCodeObject.co_filename</c>.</summary>
    public required int CodeFileName { get; init; }

    /// <summary><c>PyCodeObject.co_qualname</c>; 3.10 has none, so its <c>co_name</c>.</summary>
    public required int CodeName { get; init; }

    /// <summary><c>PyCodeObject.co_linetable</c>.</summary>
    public required int CodeLineTable { get; init; }

    /// <summary>The format of <see cref="CodeLineTable"/>.</summary>
    public PythonLineTableFormat LineTable { get; init; } = PythonLineTableFormat.Locations;

    /// <summary><c>PyCodeObject.co_firstlineno</c>.</summary>
    public required int CodeFirstLine { get; init; }

    /// <summary><c>PyCodeObject.co_code_adaptive</c>: the first code unit (unused where <see cref="FrameInstrIsIndex"/>).</summary>
    public int CodeUnits { get; init; }

    /// <summary><c>PyObject.ob_type</c>.</summary>
    public int ObjectType { get; init; } = 8;

    /// <summary><c>PyASCIIObject.length</c> and <c>PyBytesObject.ob_size</c>.</summary>
    public int VarSize { get; init; } = 16;

    /// <summary><c>PyASCIIObject.state</c>: interned:2, kind:3, compact:1, ascii:1.</summary>
    public int UnicodeState { get; init; } = 32;

    /// <summary>The characters of a compact ASCII string (sizeof(PyASCIIObject)).</summary>
    public int UnicodeAsciiData { get; init; } = 48;

    /// <summary>The characters of a compact non-ASCII string (sizeof(PyCompactUnicodeObject)).</summary>
    public int UnicodeCompactData { get; init; } = 72;

    /// <summary><c>PyBytesObject.ob_sval</c>.</summary>
    public int BytesData { get; init; } = 32;

    /// <summary>The versions described, "3.10" to "3.13".</summary>
    public static string Supported => $"3.{_known[0].Minor}-3.{_known[^1].Minor}";

    /// <summary>The layout of CPython 3.<paramref name="minor"/>, or null when it is not described.</summary>
    public static CPythonLayout? ForVersion(int major, int minor) => major == 3 ? _known.FirstOrDefault(l => l.Minor == minor) : null;

    /// <summary>The kernel walk's description of a process whose <c>_PyRuntime</c> is at <paramref name="runtime"/>.</summary>
    internal PythonProcess ToKernel(ulong runtime) => new()
    {
        InterpretersHead = runtime + (ulong)RuntimeInterpretersHead,
        InterpThreadsHead = (ushort)InterpThreadsHead,
        ThreadNext = (ushort)ThreadNext,
        ThreadNativeId = (ushort)ThreadId,
        ThreadCframe = (ushort)ThreadFrame,
        CframeCurrent = (ushort)(CframeCurrentFrame ?? 0),
        FrameCode = (ushort)FrameCode,
        FramePrevious = (ushort)FramePrevious,
        FrameInstr = (ushort)FrameInstr,
        FrameEntry = (ushort)FrameEntry,
        CodeUnits = (ushort)CodeUnits,
        Flags = KernelFlags,
    };

    private ushort KernelFlags =>
        (ushort)((ThreadIdIsPthread ? ProfilerAbi.PythonPthreadId : 0)
            | (CframeCurrentFrame is null ? ProfilerAbi.PythonDirectFrame : 0)
            | (FrameInstrIsIndex ? ProfilerAbi.PythonLasti : 0)
            | Entry switch
            {
                PythonEntryMark.ShimFrame => ProfilerAbi.PythonOwner,
                PythonEntryMark.EveryFrame => ProfilerAbi.PythonAllEntry,
                _ => 0,
            });
}

/// <summary>How a CPython version tells a frame entered from C (where its native interpreter loop ends).</summary>
public enum PythonEntryMark
{
    /// <summary><c>_PyInterpreterFrame.is_entry</c> (3.11).</summary>
    EntryFlag,

    /// <summary>The next frame is a shim owned by the C stack (<c>FRAME_OWNED_BY_CSTACK</c>, 3.12+).</summary>
    ShimFrame,

    /// <summary>Every frame: each has its own <c>_PyEval_EvalFrameDefault</c> (3.10).</summary>
    EveryFrame,
}

/// <summary>The format of a code object's <c>co_linetable</c>.</summary>
public enum PythonLineTableFormat
{
    /// <summary>The location table of 3.11+ (Objects/locations.md).</summary>
    Locations,

    /// <summary>3.10's (byte delta, line delta) pairs (Objects/lnotab_notes.txt).</summary>
    AddressRanges,
}
