using Ember.Agent.Python;
using Ember.Agent.Symbolization.Runtimes;
using Ember.Symbols.Symbolization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Symbolization;

/// <summary>
/// Symbolizes on the node (decision 7) through <see cref="Symbolizer"/>: ELF symbol tables and Go
/// pclntab for file-backed code (read through /proc/PID/root, parsed once per binary), perf-PID.map
/// for JIT code, kallsyms for the kernel, with C++/Rust names demangled and the mangled name kept.
/// This adapter maps the results onto profile frames and picks <c>profile.frame.type</c>; JIT frames
/// take the type of the runtime the process maps (<see cref="RuntimeRegistry"/>).
/// </summary>
/// <param name="procRoot">Where /proc is (a fake one in tests).</param>
/// <param name="logger">Where a process whose JIT frames stay unnamed is told about, once.</param>
/// <param name="enablePerfMaps">Whether to ask running .NET processes to write their perf maps (<c>--enable-perf-maps</c>).</param>
/// <param name="python">The CPython interpreters the kernel walks, whose frames it names; null when it walks none.</param>
/// <param name="nameFiles">Whether frames of file-backed code are named here; false for <c>--symbolize none</c>.</param>
public sealed partial class SymbolFrameResolver(string procRoot = "/proc", ILogger? logger = null, bool enablePerfMaps = false, CPythonProcesses? python = null, bool nameFiles = true)
    : IFrameResolver, IDisposable
{
    /// <summary><c>profile.frame.type</c> of Python frames (the OpenTelemetry profiling convention).</summary>
    public const string CPythonFrameType = "cpython";

    /// <summary>A Python frame whose code object is gone from the process's memory.</summary>
    public const string UnknownPythonCode = "[unknown Python code]";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly PerfMapRequests? _perfMaps = enablePerfMaps ? new PerfMapRequests(procRoot, logger ?? NullLogger.Instance) : null;

    /// <summary>Processes already told how to get their JIT frames named: once per process.</summary>
    private readonly HashSet<int> _hinted = [];

    private readonly Symbolizer _symbolizer = new(new SymbolizerOptions { ProcRoot = procRoot, NameFileFrames = nameFiles });
    private readonly RuntimeRegistry _runtimes = new(RuntimeRegistry.Known, procRoot);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _seenPids = new();

    /// <inheritdoc />
    public ResolvedFrame ResolveKernel(ulong address) => ToFrame(_symbolizer.SymbolizeKernelAddress(address), "kernel");

    /// <inheritdoc />
    public ResolvedFrame ResolveUser(int pid, ulong address)
    {
        _seenPids.TryAdd(pid, 0);
        var result = _symbolizer.SymbolizeProcessAddress(pid, address);
        if (result.Kind != FrameKind.Jit)
        {
            return ToFrame(result, result.Kind switch
            {
                FrameKind.Go => "go",
                FrameKind.Kernel => "kernel",
                _ => RuntimeRegistry.NativeFrameType,
            });
        }

        var runtime = _runtimes.RuntimeOf(pid);
        var frame = ToFrame(result, runtime?.FrameType ?? RuntimeRegistry.NativeFrameType);
        if (frame.FunctionName is not null || runtime is null)
        {
            return frame;
        }

        // Unnamed JIT code says whose it is, not a memfd name and hex; the log says how to get names,
        // unless the runtime can be asked to write its perf map (again, for a JVM's newer code).
        var asked = _perfMaps is not null && PerfMapRequests.CanAsk(runtime) && _perfMaps.Request(pid);
        if (!asked && _hinted.Add(pid))
        {
            LogJitUnnamed(_logger, pid, runtime.FrameType, runtime.NamingHint);
        }

        return frame with { FunctionName = runtime.JitCodeName, SystemName = runtime.JitCodeName, IsLabel = true };
    }

    /// <inheritdoc />
    public ResolvedFrame ResolvePython(int pid, ulong word)
    {
        _seenPids.TryAdd(pid, 0);
        return python?.Resolve(pid, word) is { } frame
            ? new ResolvedFrame(word, frame.QualifiedName, frame.QualifiedName, frame.FileName, frame.Line, CPythonFrameType, null)
            : new ResolvedFrame(word, UnknownPythonCode, UnknownPythonCode, null, 0, CPythonFrameType, null, IsLabel: true);
    }

    /// <inheritdoc />
    public void Capture(int pid)
    {
        _seenPids.TryAdd(pid, 0);
        _symbolizer.CaptureProcess(pid);
        _perfMaps?.Request(pid);
    }

    /// <inheritdoc />
    public void CapturePythonCode(int pid, ulong code) => python?.Prefetch(pid, code);

    /// <inheritdoc />
    public void Prune(IReadOnlySet<int> livePids)
    {
        _perfMaps?.Prune(livePids);
        foreach (var pid in _seenPids.Keys.Where(pid => !livePids.Contains(pid)).ToList())
        {
            _seenPids.TryRemove(pid, out _);
            _hinted.Remove(pid);
            _runtimes.Forget(pid);
            _symbolizer.ForgetProcess(pid);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _symbolizer.Dispose();

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "process {Pid} runs {Runtime} JIT code that no perf map names (shown as the runtime's JIT code); to get names: {Hint}")]
    private static partial void LogJitUnnamed(ILogger logger, int pid, string runtime, string hint);

    private static ResolvedFrame ToFrame(SymbolizationResult result, string frameType)
    {
        var frame = result.Frames[0];
        var mapping = result.Mapping is { } m
            ? new ResolvedMapping(m.Path, m.Start, m.End, m.FileOffset, m.BuildIds.Gnu, m.BuildIds.Go, m.BuildIds.HtlHash)
            : null;
        return new ResolvedFrame(result.Address, frame.FunctionName, frame.SystemName, frame.FileName, frame.Line ?? 0, frameType, mapping);
    }
}
