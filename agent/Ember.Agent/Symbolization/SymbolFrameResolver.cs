using System.Globalization;
using Ember.Symbols.Symbolization;

namespace Ember.Agent.Symbolization;

/// <summary>
/// Symbolizes on the node (decision 7) through <see cref="Symbolizer"/>: ELF symbol tables and Go
/// pclntab for file-backed code (read through /proc/PID/root, parsed once per binary), perf-PID.map
/// for JIT code, kallsyms for the kernel, with C++/Rust names demangled and the mangled name kept.
/// This adapter maps the results onto profile frames and picks <c>profile.frame.type</c>.
/// </summary>
public sealed class SymbolFrameResolver(string procRoot = "/proc") : IFrameResolver, IDisposable
{
    private readonly Symbolizer _symbolizer = new(new SymbolizerOptions { ProcRoot = procRoot });
    private readonly Dictionary<int, string> _jitFrameTypes = [];
    private readonly HashSet<int> _seenPids = [];

    /// <inheritdoc />
    public ResolvedFrame ResolveKernel(ulong address) => ToFrame(_symbolizer.SymbolizeKernelAddress(address), "kernel");

    /// <inheritdoc />
    public ResolvedFrame ResolveUser(int pid, ulong address)
    {
        _seenPids.Add(pid);
        var result = _symbolizer.SymbolizeProcessAddress(pid, address);
        var frameType = result.Kind switch
        {
            FrameKind.Go => "go",
            FrameKind.Kernel => "kernel",
            FrameKind.Jit => JitFrameType(pid),
            _ => "native",
        };
        return ToFrame(result, frameType);
    }

    /// <inheritdoc />
    public void Prune(IReadOnlySet<int> livePids)
    {
        foreach (var pid in _seenPids.Where(pid => !livePids.Contains(pid)).ToList())
        {
            _seenPids.Remove(pid);
            _jitFrameTypes.Remove(pid);
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

    /// <summary>The runtime whose JIT wrote the perf map, from the process's executable name.</summary>
    private string JitFrameType(int pid)
    {
        if (!_jitFrameTypes.TryGetValue(pid, out var type))
        {
            string? executable = null;
            try
            {
                executable = new FileInfo(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "exe")).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process is gone or not ours to read: fall back to "native" below.
            }

            type = Path.GetFileName(executable) switch
            {
                "dotnet" => "dotnet",
                "node" or "nodejs" => "v8js",
                "java" => "jvm",
                var name when name?.StartsWith("python", StringComparison.Ordinal) == true => "cpython",
                _ => "native",
            };
            _jitFrameTypes[pid] = type;
        }

        return type;
    }
}
