using Ember.Agent.Sampling;

namespace Ember.Agent.Symbolization;

/// <summary>
/// Puts a CPython stack's Python frames where the interpreter ran them. The kernel records the
/// native frames, then <see cref="ProfilerAbi.PythonMark"/>, then the Python frames (see
/// bpf/profiler.h). Each native <c>_PyEval_EvalFrameDefault</c> frame runs the Python frames from
/// one entered from C (its entry frame) up to the next: those frames go just above it (toward the
/// leaf), so the interpreter loop stays on the stack and a C extension's frames sit under the Python
/// function that called them.
/// </summary>
internal static class PythonStacks
{
    /// <summary>The interpreter loop's function: one native frame per run of Python frames.</summary>
    public const string EvalFunction = "_PyEval_EvalFrameDefault";

    /// <summary>Where the Python frames start in <paramref name="stack"/>, or -1 when it has none.</summary>
    public static int MarkOf(IReadOnlyList<ulong> stack)
    {
        for (var i = 0; i < stack.Count; i++)
        {
            if (stack[i] == ProfilerAbi.PythonMark)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether a Python frame word closes a run: its frame was entered from C.</summary>
    public static bool IsEntry(ulong word) => (word & ProfilerAbi.PythonEntry) != 0;

    /// <summary>
    /// Native and Python frames, leaf first, interleaved. Runs beyond the native interpreter frames
    /// (the native walk was cut short) go to the root end, in order; interpreter frames beyond the
    /// runs stay native.
    /// </summary>
    public static ResolvedFrame[] Interleave(IReadOnlyList<ResolvedFrame> native, IReadOnlyList<ResolvedFrame> python, IReadOnlyList<bool> entry)
    {
        var runs = new List<List<ResolvedFrame>>();
        var run = new List<ResolvedFrame>();
        for (var i = 0; i < python.Count; i++)
        {
            run.Add(python[i]);
            if (entry[i])
            {
                runs.Add(run);
                run = [];
            }
        }

        if (run.Count > 0)
        {
            runs.Add(run);
        }

        var merged = new List<ResolvedFrame>(native.Count + python.Count);
        var next = 0;
        foreach (var frame in native)
        {
            if (next < runs.Count && frame.SystemName == EvalFunction)
            {
                merged.AddRange(runs[next++]);
            }

            merged.Add(frame);
        }

        for (; next < runs.Count; next++)
        {
            merged.AddRange(runs[next]);
        }

        return [.. merged];
    }
}
