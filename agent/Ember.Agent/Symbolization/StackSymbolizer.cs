using Ember.Agent.Sampling;

namespace Ember.Agent.Symbolization;

/// <summary>
/// The symbolization stage between drain and build: turns a drained sample's addresses into frames
/// at drain time, while the process and its /proc/PID/maps still exist. Each address is resolved once
/// per window; the caches start over when the window is cut (<see cref="Prune"/>), so they follow the
/// live processes. Not thread-safe, but for <see cref="Capture"/>: the profiling session's loop is its only other caller.
/// </summary>
public sealed class StackSymbolizer(IFrameResolver resolver)
{
    private readonly Dictionary<ulong, ResolvedFrame> _kernelFrames = [];
    // Per process, so a process announced again drops its frames without a scan of everyone's.
    private readonly Dictionary<int, Dictionary<ulong, ResolvedFrame>> _userFrames = [];

    /// <summary>Symbolizes both stacks of <paramref name="sample"/>.</summary>
    public ResolvedSample Resolve(CpuSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var kernel = new ResolvedFrame[sample.KernelStack.Count];
        for (var i = 0; i < kernel.Length; i++)
        {
            var address = sample.KernelStack[i];
            if (!_kernelFrames.TryGetValue(address, out var frame))
            {
                frame = resolver.ResolveKernel(address);
                _kernelFrames.Add(address, frame);
            }

            kernel[i] = frame;
        }

        if (!_userFrames.TryGetValue(sample.Pid, out var processFrames))
        {
            processFrames = [];
            _userFrames.Add(sample.Pid, processFrames);
        }

        var stack = sample.UserStack;
        var mark = PythonStacks.MarkOf(stack);
        var user = new ResolvedFrame[mark < 0 ? stack.Count : mark];
        for (var i = 0; i < user.Length; i++)
        {
            user[i] = Frame(processFrames, sample.Pid, stack[i], python: false);
        }

        if (mark >= 0)
        {
            var python = new ResolvedFrame[stack.Count - mark - 1];
            var entry = new bool[python.Length];
            for (var i = 0; i < python.Length; i++)
            {
                var word = stack[mark + 1 + i];
                python[i] = Frame(processFrames, sample.Pid, word, python: true);
                entry[i] = PythonStacks.IsEntry(word);
            }

            user = PythonStacks.Interleave(user, python, entry);
        }

        return new ResolvedSample(sample.Pid, sample.ThreadName, kernel, user, sample.Count);
    }

    /// <summary>A user frame of <paramref name="pid"/>: a native address or a Python frame word, resolved once per window.</summary>
    private ResolvedFrame Frame(Dictionary<ulong, ResolvedFrame> processFrames, int pid, ulong value, bool python)
    {
        // Python words and native addresses cannot collide: a word's code object is heap memory, not code.
        if (!processFrames.TryGetValue(value, out var frame))
        {
            frame = python ? resolver.ResolvePython(pid, value) : resolver.ResolveUser(pid, value);
            processFrames.Add(value, frame);
        }

        return frame;
    }

    /// <summary>
    /// Captures a process the kernel just announced (its first sample, or its first after an exec),
    /// so its frames resolve at the next drain even when it has exited by then. The one member that
    /// is thread-safe: the session calls it on its event thread, at once.
    /// </summary>
    public void Capture(int pid) => resolver.Capture(pid);

    /// <summary>
    /// Reads a code object a CPython process just ran for the first time, so its frames are named at
    /// the next drain even when the process has exited by then. Thread-safe, as <see cref="Capture"/>.
    /// </summary>
    public void CapturePythonCode(int pid, ulong code) => resolver.CapturePythonCode(pid, code);

    /// <summary>
    /// Drops what this window resolved for <paramref name="pid"/> after it was announced again: those
    /// frames belonged to its earlier image, or to an earlier process with that pid.
    /// </summary>
    public void Renew(int pid) => _userFrames.Remove(pid);

    /// <summary>Starts the next window's caches and drops the resolver's state for exited processes.</summary>
    public void Prune(IReadOnlySet<int> livePids)
    {
        _kernelFrames.Clear();
        _userFrames.Clear();
        resolver.Prune(livePids);
    }
}
