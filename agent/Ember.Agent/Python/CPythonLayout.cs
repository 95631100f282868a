using Ember.Agent.Sampling;

namespace Ember.Agent.Python;

/// <summary>
/// Where one CPython minor version keeps what a stack walk reads, on x86-64: byte offsets into its
/// structs, from that version's headers (Include/internal/pycore_runtime.h, pycore_interp.h,
/// pycore_frame.h, cpython/pystate.h, cpython/code.h, cpython/unicodeobject.h).
/// <c>CPythonLayoutTests</c> walks the real interpreter's own stack with them.
/// </summary>
/// <remarks>
/// Only 3.11 is described: 3.10 keeps PyFrameObject chains (tstate->frame), 3.12 marks C entries with
/// shim frames (owner FRAME_OWNED_BY_CSTACK) and moves f_code, 3.13 drops _PyCFrame; each needs its
/// own walk, and none can be checked on this machine. Their processes keep their native frames and are
/// counted and logged as unsupported.
/// </remarks>
public sealed record CPythonLayout
{
    /// <summary>CPython 3.11 (Debian 12's python3).</summary>
    public static CPythonLayout Python311 { get; } = new()
    {
        Minor = 11,
        RuntimeInterpretersHead = 40,
        InterpThreadsHead = 16,
        ThreadNext = 8,
        ThreadNativeId = 160,
        ThreadCframe = 56,
        CframeCurrentFrame = 8,
        FrameCode = 32,
        FramePrevious = 48,
        FrameInstr = 56,
        FrameEntry = 68,
        CodeFileName = 112,
        CodeQualName = 128,
        CodeLineTable = 136,
        CodeFirstLine = 72,
        CodeUnits = 184,
    };

    /// <summary>The minor version of 3.x.</summary>
    public required int Minor { get; init; }

    /// <summary><c>_PyRuntimeState.interpreters.head</c>.</summary>
    public required int RuntimeInterpretersHead { get; init; }

    /// <summary><c>PyInterpreterState.threads.head</c>.</summary>
    public required int InterpThreadsHead { get; init; }

    /// <summary><c>PyThreadState.next</c>.</summary>
    public required int ThreadNext { get; init; }

    /// <summary><c>PyThreadState.native_thread_id</c>.</summary>
    public required int ThreadNativeId { get; init; }

    /// <summary><c>PyThreadState.cframe</c>.</summary>
    public required int ThreadCframe { get; init; }

    /// <summary><c>_PyCFrame.current_frame</c>.</summary>
    public required int CframeCurrentFrame { get; init; }

    /// <summary><c>_PyInterpreterFrame.f_code</c>.</summary>
    public required int FrameCode { get; init; }

    /// <summary><c>_PyInterpreterFrame.previous</c>.</summary>
    public required int FramePrevious { get; init; }

    /// <summary><c>_PyInterpreterFrame.prev_instr</c>.</summary>
    public required int FrameInstr { get; init; }

    /// <summary><c>_PyInterpreterFrame.is_entry</c>.</summary>
    public required int FrameEntry { get; init; }

    /// <summary><c>PyCodeObject.co_filename</c>.</summary>
    public required int CodeFileName { get; init; }

    /// <summary><c>PyCodeObject.co_qualname</c>.</summary>
    public required int CodeQualName { get; init; }

    /// <summary><c>PyCodeObject.co_linetable</c>.</summary>
    public required int CodeLineTable { get; init; }

    /// <summary><c>PyCodeObject.co_firstlineno</c>.</summary>
    public required int CodeFirstLine { get; init; }

    /// <summary><c>PyCodeObject.co_code_adaptive</c>: the first code unit.</summary>
    public required int CodeUnits { get; init; }

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

    /// <summary>The layout of CPython 3.<paramref name="minor"/>, or null when it is not described.</summary>
    public static CPythonLayout? ForVersion(int major, int minor) => major == 3 && minor == Python311.Minor ? Python311 : null;

    /// <summary>The kernel walk's description of a process whose <c>_PyRuntime</c> is at <paramref name="runtime"/>.</summary>
    internal PythonProcess ToKernel(ulong runtime) => new()
    {
        InterpretersHead = runtime + (ulong)RuntimeInterpretersHead,
        InterpThreadsHead = (ushort)InterpThreadsHead,
        ThreadNext = (ushort)ThreadNext,
        ThreadNativeId = (ushort)ThreadNativeId,
        ThreadCframe = (ushort)ThreadCframe,
        CframeCurrent = (ushort)CframeCurrentFrame,
        FrameCode = (ushort)FrameCode,
        FramePrevious = (ushort)FramePrevious,
        FrameInstr = (ushort)FrameInstr,
        FrameEntry = (ushort)FrameEntry,
        CodeUnits = (ushort)CodeUnits,
    };
}
