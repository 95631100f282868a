using System.Globalization;
using Ember.Symbols.Kernel;
using Ember.Symbols.PerfMap;
using Ember.Symbols.Processes;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Symbolization;

/// <summary>
/// Symbolizes on the node (decision 7): ELF .symtab/.dynsym and Go pclntab for file-backed code,
/// /tmp/perf-PID.map for JIT code, /proc/kallsyms for the kernel. Binaries are read through
/// /proc/PID/root so containers' files are found, and indexed once per (device, inode) however
/// many processes map them. A process's maps are read on first use and again when an address
/// falls outside every known mapping (a library loaded since).
/// </summary>
public sealed class SymbolFrameResolver(ILogger logger, string procRoot = "/proc") : IFrameResolver, IDisposable
{
    private readonly Dictionary<(uint Major, uint Minor, ulong Inode, string Path), BinarySymbols> _binaries = [];
    private readonly Dictionary<int, ProcessSymbols> _processes = [];
    private KernelSymbolTable? _kernel;

    /// <inheritdoc />
    public ResolvedFrame ResolveKernel(ulong address)
    {
        _kernel ??= LoadKernelSymbols();
        var symbol = _kernel.IsAvailable ? _kernel.Lookup(address) : null;
        var mapping = new ResolvedMapping("[kernel.kallsyms]", 0, 0, 0, null, null, null);
        return symbol is { } s
            ? new ResolvedFrame(address, s.Name, s.Name, s.Module, 0, "kernel", mapping)
            : new ResolvedFrame(address, null, null, null, 0, "kernel", mapping);
    }

    /// <inheritdoc />
    public ResolvedFrame ResolveUser(int pid, ulong address)
    {
        var process = Process(pid);
        var mapping = process.Find(address);
        if (mapping is null && process.Refresh())
        {
            mapping = process.Find(address);
        }

        if (mapping is null)
        {
            return new ResolvedFrame(address, null, null, null, 0, process.JitFrameType, null);
        }

        if (mapping.Kind is not Ember.Symbols.Processes.MappingKind.File)
        {
            return ResolveAnonymous(process, mapping, address);
        }

        var binary = Binary(pid, mapping);
        var resolved = new ResolvedMapping(mapping.Path, mapping.Start, mapping.End, mapping.FileOffset,
            binary.BuildIds.Gnu, binary.BuildIds.Go, binary.BuildIds.HtlHash);
        var elfAddress = AddressTranslator.ToElfAddress(mapping, binary.ProgramHeaders, address);
        if (elfAddress is not { } normalized)
        {
            return new ResolvedFrame(address, null, null, null, 0, "native", resolved);
        }

        if (binary.Go?.Resolve(normalized) is { } go)
        {
            return new ResolvedFrame(address, go.Function.Name, go.Function.Name, go.File, go.Line ?? 0, "go", resolved);
        }

        return binary.Functions.Lookup(normalized) is { } symbol
            ? new ResolvedFrame(address, symbol.Name, symbol.Name, null, 0, "native", resolved)
            : new ResolvedFrame(address, null, null, null, 0, "native", resolved);
    }

    /// <inheritdoc />
    public void Prune(IReadOnlySet<int> livePids)
    {
        foreach (var pid in _processes.Keys.Where(pid => !livePids.Contains(pid)).ToList())
        {
            _processes.Remove(pid);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var binary in _binaries.Values)
        {
            binary.Dispose();
        }

        _binaries.Clear();
    }

    private static ResolvedFrame ResolveAnonymous(ProcessSymbols process, ProcessMapping mapping, ulong address)
    {
        var resolved = new ResolvedMapping(mapping.Path.Length == 0 ? "[anon]" : mapping.Path, mapping.Start, mapping.End, mapping.FileOffset, null, null, null);
        return process.PerfMap?.Lookup(address) is { } jit
            ? new ResolvedFrame(address, jit.Name, jit.Name, null, 0, process.JitFrameType, resolved)
            : new ResolvedFrame(address, null, null, null, 0, mapping.Kind == Ember.Symbols.Processes.MappingKind.Vdso ? "native" : process.JitFrameType, resolved);
    }

    private ProcessSymbols Process(int pid)
    {
        if (!_processes.TryGetValue(pid, out var process))
        {
            process = new ProcessSymbols(pid, procRoot);
            process.Refresh();
            _processes.Add(pid, process);
        }

        return process;
    }

    private BinarySymbols Binary(int pid, ProcessMapping mapping)
    {
        var key = (mapping.DeviceMajor, mapping.DeviceMinor, mapping.Inode, mapping.Path);
        if (!_binaries.TryGetValue(key, out var binary))
        {
            // /proc/PID/root resolves the path inside the process's mount namespace (containers);
            // map_files still reaches a file that was deleted or replaced after it was mapped.
            var pidText = pid.ToString(CultureInfo.InvariantCulture);
            var path = mapping.IsDeleted
                ? Path.Combine(procRoot, pidText, "map_files", string.Create(CultureInfo.InvariantCulture, $"{mapping.Start:x}-{mapping.End:x}"))
                : Path.Combine(procRoot, pidText, "root") + mapping.Path;
            binary = BinarySymbols.Load(path);
            if (ReferenceEquals(binary, BinarySymbols.Unreadable))
            {
                AgentLog.BinaryUnreadable(logger, mapping.Path, pid);
            }

            _binaries.Add(key, binary);
        }

        return binary;
    }

    private KernelSymbolTable LoadKernelSymbols()
    {
        try
        {
            var table = KernelSymbolTable.Load(Path.Combine(procRoot, "kallsyms"));
            if (!table.IsAvailable)
            {
                AgentLog.KernelSymbolsUnavailable(logger, "addresses hidden by kernel.kptr_restrict");
            }

            return table;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            AgentLog.KernelSymbolsUnavailable(logger, ex.Message);
            return KernelSymbolTable.Parse([]);
        }
    }

    /// <summary>One process's mappings and JIT map.</summary>
    private sealed class ProcessSymbols(int pid, string procRoot)
    {
        private IReadOnlyList<ProcessMapping> _mappings = [];
        private string? _executable;

        public PerfMapFile? PerfMap { get; private set; }

        /// <summary>The runtime whose JIT writes the perf map, from the executable's name.</summary>
        public string JitFrameType => Path.GetFileName(_executable) switch
        {
            "dotnet" => "dotnet",
            "node" or "nodejs" => "v8js",
            "java" => "jvm",
            var name when name?.StartsWith("python", StringComparison.Ordinal) == true => "cpython",
            _ => "native",
        };

        public ProcessMapping? Find(ulong address)
        {
            PerfMap?.Refresh();
            foreach (var mapping in _mappings)
            {
                if (mapping.Contains(address))
                {
                    return mapping;
                }
            }

            return null;
        }

        /// <summary>Re-reads the maps; false when the process is gone.</summary>
        public bool Refresh()
        {
            try
            {
                _mappings = ProcMapsParser.Read(pid, procRoot);
                _executable ??= new FileInfo(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "exe")).LinkTarget;
                var perfMap = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "root", "tmp", $"perf-{pid}.map");
                if (PerfMap is null && File.Exists(perfMap))
                {
                    PerfMap = new PerfMapFile(perfMap);
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
