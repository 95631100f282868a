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

        var user = new ResolvedFrame[sample.UserStack.Count];
        if (!_userFrames.TryGetValue(sample.Pid, out var processFrames))
        {
            processFrames = [];
            _userFrames.Add(sample.Pid, processFrames);
        }

        for (var i = 0; i < user.Length; i++)
        {
            var address = sample.UserStack[i];
            if (!processFrames.TryGetValue(address, out var frame))
            {
                frame = resolver.ResolveUser(sample.Pid, address);
                processFrames.Add(address, frame);
            }

            user[i] = frame;
        }

        return new ResolvedSample(sample.Pid, sample.ThreadName, kernel, user, sample.Count);
    }

    /// <summary>
    /// Captures a process the kernel just announced (its first sample, or its first after an exec),
    /// so its frames resolve at the next drain even when it has exited by then. The one member that
    /// is thread-safe: the session calls it on its event thread, at once.
    /// </summary>
    public void Capture(int pid) => resolver.Capture(pid);

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
