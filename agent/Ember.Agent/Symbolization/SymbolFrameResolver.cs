using Ember.Agent.Symbolization.Runtimes;
using Ember.Symbols.Symbolization;

namespace Ember.Agent.Symbolization;

/// <summary>
/// Symbolizes on the node (decision 7) through <see cref="Symbolizer"/>: ELF symbol tables and Go
/// pclntab for file-backed code (read through /proc/PID/root, parsed once per binary), perf-PID.map
/// for JIT code, kallsyms for the kernel, with C++/Rust names demangled and the mangled name kept.
/// This adapter maps the results onto profile frames and picks <c>profile.frame.type</c>; JIT frames
/// take the type of the runtime the process maps (<see cref="RuntimeRegistry"/>).
/// </summary>
public sealed class SymbolFrameResolver(string procRoot = "/proc") : IFrameResolver, IDisposable
{
    private readonly Symbolizer _symbolizer = new(new SymbolizerOptions { ProcRoot = procRoot });
    private readonly RuntimeRegistry _runtimes = new(RuntimeRegistry.Known, procRoot);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _seenPids = new();

    /// <inheritdoc />
    public ResolvedFrame ResolveKernel(ulong address) => ToFrame(_symbolizer.SymbolizeKernelAddress(address), "kernel");

    /// <inheritdoc />
    public ResolvedFrame ResolveUser(int pid, ulong address)
    {
        _seenPids.TryAdd(pid, 0);
        var result = _symbolizer.SymbolizeProcessAddress(pid, address);
        var frameType = result.Kind switch
        {
            FrameKind.Go => "go",
            FrameKind.Kernel => "kernel",
            FrameKind.Jit => _runtimes.JitFrameType(pid),
            _ => RuntimeRegistry.NativeFrameType,
        };
        return ToFrame(result, frameType);
    }

    /// <inheritdoc />
    public void Capture(int pid)
    {
        _seenPids.TryAdd(pid, 0);
        _symbolizer.CaptureProcess(pid);
    }

    /// <inheritdoc />
    public void Prune(IReadOnlySet<int> livePids)
    {
        foreach (var pid in _seenPids.Keys.Where(pid => !livePids.Contains(pid)).ToList())
        {
            _seenPids.TryRemove(pid, out _);
            _runtimes.Forget(pid);
            _symbolizer.ForgetProcess(pid);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _symbolizer.Dispose();

    private static ResolvedFrame ToFrame(SymbolizationResult result, string frameType)
    {
        var frame = result.Frames[0];
        var mapping = result.Mapping is { } m
            ? new ResolvedMapping(m.Path, m.Start, m.End, m.FileOffset, m.BuildIds.Gnu, m.BuildIds.Go, m.BuildIds.HtlHash)
            : null;
        return new ResolvedFrame(result.Address, frame.FunctionName, frame.SystemName, frame.FileName, frame.Line ?? 0, frameType, mapping);
    }
}
