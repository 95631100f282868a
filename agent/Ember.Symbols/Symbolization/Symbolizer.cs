using System.Collections.Concurrent;
using System.Globalization;
using Ember.Symbols.Caching;
using Ember.Symbols.Identity;
using Ember.Symbols.Kernel;
using Ember.Symbols.Processes;
using Microsoft.Win32.SafeHandles;

namespace Ember.Symbols.Symbolization;

/// <summary>
/// The node-local symbolizer: user-space addresses of processes through their maps and binaries
/// (ELF symbol tables, Go pclntab), JIT code through perf-PID.map, the vDSO through the agent's own
/// copy, and kernel addresses through kallsyms. Every result keeps the mapping and build IDs, named
/// or not, so a backend can symbolize what the node could not.
/// </summary>
/// <remarks>
/// Binaries are parsed once per node and shared across processes and containers
/// (<see cref="BinaryCache{T}"/>); container files are read through <c>/proc/PID/root</c>, deleted
/// ones through <c>/proc/PID/map_files</c>. Thread-safe. Needs read access to other processes'
/// <c>/proc</c> entries (root, or CAP_SYS_PTRACE and CAP_SYS_ADMIN for map_files).
/// </remarks>
public sealed class Symbolizer : ISymbolizer, IDisposable
{
    private readonly SymbolizerOptions _options;
    private readonly BinaryCache<SymbolFile> _binaries;
    private readonly ConcurrentDictionary<int, ProcessSymbolState> _processes = new();
    private readonly ConcurrentDictionary<(int Pid, ulong Start, ulong Inode), FileIdentity> _mappedIdentities = new();
    private readonly Lazy<KernelSymbolTable> _kernel;
    private readonly Lazy<string?> _kernelBuildId;
    private readonly Lazy<SymbolFile?> _vdso;

    /// <summary>Creates a symbolizer.</summary>
    public Symbolizer(SymbolizerOptions? options = null)
    {
        _options = options ?? new SymbolizerOptions();
        _binaries = new BinaryCache<SymbolFile>(_options.MaxCachedBinaries);
        _kernel = new Lazy<KernelSymbolTable>(LoadKallsyms);
        _kernelBuildId = new Lazy<string?>(() => KernelBuildId.Read(_options.KernelNotesPath));
        _vdso = new Lazy<SymbolFile?>(ReadOwnVdso);
    }

    /// <summary>Binaries parsed so far (each content once; for tests and self-telemetry).</summary>
    public int BinariesParsed => _binaries.OpenedCount;

    /// <inheritdoc />
    public SymbolizationResult SymbolizeProcessAddress(int pid, ulong address)
    {
        var state = _processes.GetOrAdd(pid, p => new ProcessSymbolState(_options.ProcRoot, p, _options.RefreshInterval));
        var mapping = state.FindMapping(address);
        if (mapping is null)
        {
            return Unknown(address, null, FrameKind.Native, null);
        }

        return mapping.Kind switch
        {
            MappingKind.File when !IsMemfd(mapping) => SymbolizeMappedFile(pid, mapping, address),
            MappingKind.Vdso => SymbolizeVdso(mapping, address),
            // Anonymous executable memory and memfd double mappings (.NET W^X) hold JIT code.
            _ => SymbolizeJit(state, mapping, address),
        };
    }

    /// <inheritdoc />
    public SymbolizationResult SymbolizeFileAddress(string path, ulong normalizedAddress)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        try
        {
            var handle = OpenForReading(fullPath);
            var identity = FileIdentity.ForPath(fullPath, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
            using var lease = Rent(identity, handle, () => OpenForReading(fullPath));
            var file = lease.Value;
            var (kind, frame) = file.Resolve(normalizedAddress);
            return new SymbolizationResult(normalizedAddress, normalizedAddress, kind, new MappingInfo(fullPath, 0, 0, 0, file.BuildIds), [frame]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Unknown(normalizedAddress, normalizedAddress, FrameKind.Native, new MappingInfo(fullPath, 0, 0, 0, BinaryBuildIds.None));
        }
    }

    /// <inheritdoc />
    public SymbolizationResult SymbolizeKernelAddress(ulong address)
    {
        var table = _kernel.Value;
        var symbol = table.Lookup(address);
        var mapping = symbol?.Module is { } module
            ? new MappingInfo($"[{module}]", 0, 0, 0, BinaryBuildIds.None)
            : new MappingInfo("[kernel.kallsyms]", 0, 0, 0, new BinaryBuildIds(_kernelBuildId.Value, null, null));
        return symbol is { } found
            ? new SymbolizationResult(address, null, FrameKind.Kernel, mapping, [new SymbolizedFrame(found.Name, found.Name, null, null)])
            : Unknown(address, null, FrameKind.Kernel, mapping);
    }

    /// <inheritdoc />
    public int CaptureProcess(int pid)
    {
        var state = new ProcessSymbolState(_options.ProcRoot, pid, _options.RefreshInterval);
        var mappings = state.Capture();
        if (mappings.Count == 0)
        {
            // Gone already (an exiting task can be sampled after its exit): keep what an earlier capture read.
            return 0;
        }

        ForgetProcess(pid);
        _processes[pid] = state;
        var held = 0;
        foreach (var mapping in mappings)
        {
            if (mapping.Kind != MappingKind.File || !mapping.Permissions.HasFlag(MappingPermissions.Execute) || IsMemfd(mapping))
            {
                continue;
            }

            try
            {
                using var lease = RentMapped(pid, mapping);
                held++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone already, or not ours to read: its frames stay unnamed, as they would at drain time.
            }
        }

        return held;
    }

    /// <inheritdoc />
    public void ForgetProcess(int pid)
    {
        _processes.TryRemove(pid, out _);
        foreach (var key in _mappedIdentities.Keys.Where(k => k.Pid == pid))
        {
            _mappedIdentities.TryRemove(key, out _);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _binaries.Dispose();
        if (_vdso.IsValueCreated)
        {
            _vdso.Value?.Dispose();
        }
    }

    private SymbolizationResult SymbolizeMappedFile(int pid, ProcessMapping mapping, ulong address)
    {
        try
        {
            using (var lease = RentMapped(pid, mapping))
            {
                var file = lease.Value;
                var info = new MappingInfo(mapping.Path, mapping.Start, mapping.End, mapping.FileOffset, file.BuildIds);
                var normalized = file.Normalize(mapping, address);
                if (normalized is null || !_options.NameFileFrames)
                {
                    return Unknown(address, normalized, FrameKind.Native, info);
                }

                var (kind, frame) = file.Resolve(normalized.Value);
                return new SymbolizationResult(address, normalized, kind, info, [frame]);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Unknown(address, null, FrameKind.Native, new MappingInfo(mapping.Path, mapping.Start, mapping.End, mapping.FileOffset, BinaryBuildIds.None));
        }
    }

    /// <summary>The binary behind a file mapping, opened (and its identity learnt) once per (process, mapping).</summary>
    private BinaryCache<SymbolFile>.Lease RentMapped(int pid, ProcessMapping mapping)
    {
        var key = (pid, mapping.Start, mapping.Inode);
        if (_mappedIdentities.TryGetValue(key, out var identity))
        {
            // Known identity: no file system access unless the cache dropped the binary.
            return _binaries.Rent(identity, () => OpenMapped(pid, mapping));
        }

        var handle = OpenMappedHandle(pid, mapping);
        try
        {
            identity = FileIdentity.ForInode(mapping.DeviceMajor, mapping.DeviceMinor, mapping.Inode,
                RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        _mappedIdentities[key] = identity;
        return Rent(identity, handle, () => OpenMappedHandle(pid, mapping));
    }

    private static bool IsMemfd(ProcessMapping mapping) => mapping.Path.StartsWith("/memfd:", StringComparison.Ordinal);

    private SymbolizationResult SymbolizeVdso(ProcessMapping mapping, ulong address)
    {
        var vdso = _vdso.Value;
        var info = new MappingInfo(mapping.Path, mapping.Start, mapping.End, mapping.FileOffset, vdso?.BuildIds ?? BinaryBuildIds.None);
        var normalized = vdso?.Normalize(mapping, address);
        if (vdso is null || normalized is null)
        {
            return Unknown(address, null, FrameKind.Native, info);
        }

        var (kind, frame) = vdso.Resolve(normalized.Value);
        return new SymbolizationResult(address, normalized, kind, info, [frame]);
    }

    private static SymbolizationResult SymbolizeJit(ProcessSymbolState state, ProcessMapping mapping, ulong address)
    {
        var info = new MappingInfo(mapping.Path, mapping.Start, mapping.End, mapping.FileOffset, BinaryBuildIds.None);
        return state.LookupJit(address) is { } symbol
            ? new SymbolizationResult(address, null, FrameKind.Jit, info, [new SymbolizedFrame(symbol.Name, symbol.Name, null, null)])
            : Unknown(address, null, FrameKind.Jit, info);
    }

    private static SymbolizationResult Unknown(ulong address, ulong? normalized, FrameKind kind, MappingInfo? mapping) =>
        new(address, normalized, kind, mapping, [SymbolizedFrame.Unknown]);

    /// <summary>
    /// Rents the binary for <paramref name="identity"/>. On a miss the cache takes <paramref name="handle"/>
    /// (opened to learn the identity); otherwise it is closed here. A second open, should the cache
    /// need one, goes through <paramref name="reopen"/>.
    /// </summary>
    private BinaryCache<SymbolFile>.Lease Rent(FileIdentity identity, SafeFileHandle handle, Func<SafeFileHandle> reopen)
    {
        SafeFileHandle? unused = handle;
        try
        {
            return _binaries.Rent(identity, () =>
            {
                var own = unused ?? reopen();
                unused = null;
                var file = SymbolFile.Open(own, _options.Demangle);
                return (file, file.BuildIds.HtlHash!);
            });
        }
        finally
        {
            unused?.Dispose();
        }
    }

    private (SymbolFile, string) OpenMapped(int pid, ProcessMapping mapping)
    {
        var file = SymbolFile.Open(OpenMappedHandle(pid, mapping), _options.Demangle);
        return (file, file.BuildIds.HtlHash!);
    }

    /// <summary>
    /// The mapped file through the process's root (container paths resolve in its mount namespace) or,
    /// for deleted or replaced files, through /proc/PID/map_files.
    /// </summary>
    private SafeFileHandle OpenMappedHandle(int pid, ProcessMapping mapping)
    {
        var pidText = pid.ToString(CultureInfo.InvariantCulture);
        var viaRoot = Path.Join(_options.ProcRoot, pidText, "root", mapping.Path);
        var viaMapFiles = Path.Join(_options.ProcRoot, pidText, "map_files",
            string.Create(CultureInfo.InvariantCulture, $"{mapping.Start:x}-{mapping.End:x}"));
        if (!mapping.IsDeleted)
        {
            try
            {
                return OpenForReading(viaRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Fall through to map_files, which needs no path at all.
            }
        }

        return OpenForReading(viaMapFiles);
    }

    private static SafeFileHandle OpenForReading(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.RandomAccess);

    private KernelSymbolTable LoadKallsyms()
    {
        try
        {
            return KernelSymbolTable.Load(_options.KallsymsPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return KernelSymbolTable.Parse([]);
        }
    }

    /// <summary>
    /// The vDSO is the same image in every process of this kernel: the agent reads its own copy from
    /// /proc/self/mem once and symbolizes every process's [vdso] addresses with it.
    /// </summary>
    private SymbolFile? ReadOwnVdso()
    {
        try
        {
            var self = ProcMapsParser.Read(Environment.ProcessId, _options.ProcRoot).FirstOrDefault(m => m.Kind == MappingKind.Vdso);
            if (self is null || self.End - self.Start > 1 << 20)
            {
                return null;
            }

            var image = new byte[self.End - self.Start];
            using var memory = OpenForReading(Path.Join(_options.ProcRoot, "self", "mem"));
            var read = RandomAccess.Read(memory, image, (long)self.Start);
            return read == image.Length ? SymbolFile.FromImage(image, _options.Demangle) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
