using System.Runtime.InteropServices;
using System.Text;

namespace Ember.Bpf;

/// <summary>
/// A BPF ELF object loaded into the kernel: its maps are created and its programs verified. Owns
/// every map and program fd of the object until disposed; <see cref="BpfProgram"/> and
/// <see cref="BpfMap"/> instances borrow them and throw <see cref="ObjectDisposedException"/> after.
/// Links made from its programs stay attached after the object is disposed: dispose them first.
/// Lookups by name are safe for concurrent use; see <see cref="BpfMap"/> for map operations.
/// </summary>
public sealed class BpfObject : IDisposable
{
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);

    private BpfObject(SafeBpfObjectHandle handle, string name)
    {
        Handle = handle;
        Name = name;
        for (var program = Interop.Libbpf.bpf_object__next_program(handle, 0); program != 0;
             program = Interop.Libbpf.bpf_object__next_program(handle, program))
        {
            var programName = Marshal.PtrToStringUTF8(Interop.Libbpf.bpf_program__name(program)) ?? string.Empty;
            _programs[programName] = new BpfProgram(this, program, programName);
        }

        for (var map = Interop.Libbpf.bpf_object__next_map(handle, 0); map != 0;
             map = Interop.Libbpf.bpf_object__next_map(handle, map))
        {
            var mapName = Marshal.PtrToStringUTF8(Interop.Libbpf.bpf_map__name(map)) ?? string.Empty;
            _maps[mapName] = new BpfMap(this, map, mapName);
        }
    }

    /// <summary>The name given in <see cref="BpfLoadOptions.ObjectName"/>.</summary>
    public string Name { get; }

    /// <summary>The object's programs.</summary>
    public IReadOnlyCollection<BpfProgram> Programs => _programs.Values;

    /// <summary>The object's maps.</summary>
    public IReadOnlyCollection<BpfMap> Maps => _maps.Values;

    /// <summary>Bytes of kernel memory all its maps are charged for (see <see cref="BpfMap.ReadKernelMemory"/>).</summary>
    /// <exception cref="BpfException">The kernel does not report a map's memory.</exception>
    public long ReadKernelMemory() => _maps.Values.Sum(map => map.ReadKernelMemory());

    internal SafeBpfObjectHandle Handle { get; }

    /// <summary>
    /// Parses <paramref name="elf"/> (a clang <c>-target bpf</c> object), resizes maps as
    /// <paramref name="options"/> asks, creates the maps and loads every program.
    /// </summary>
    /// <exception cref="BpfLoadException">The verifier rejected a program (the log is kept), or the object is malformed.</exception>
    /// <exception cref="BpfPermissionException">The process lacks CAP_BPF/CAP_PERFMON.</exception>
    /// <exception cref="ArgumentException"><see cref="BpfLoadOptions.MapMaxEntries"/> names a map the object does not have.</exception>
    public static BpfObject Load(ReadOnlySpan<byte> elf, BpfLoadOptions? options = null)
    {
        options ??= new BpfLoadOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LogSizeStart);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LogSizeMax, options.LogSizeStart);

        var logSize = options.LogSizeStart;
        while (true)
        {
            using var attempt = LoadAttempt.Open(elf, options, logSize);
            var error = -Interop.Libbpf.bpf_object__load(attempt.Handle);
            if (error == 0)
            {
                return new BpfObject(attempt.TakeHandle(), options.ObjectName);
            }

            // The kernel says the verifier log did not fit: load again with a larger buffer.
            if (error == Errno.ENOSPC && logSize < options.LogSizeMax)
            {
                logSize = (int)Math.Min(4L * logSize, options.LogSizeMax);
                continue;
            }

            throw attempt.CreateException(error, truncated: error == Errno.ENOSPC);
        }
    }

    /// <summary>The program named <paramref name="name"/> (the C function name).</summary>
    /// <exception cref="KeyNotFoundException">The object has no such program.</exception>
    public BpfProgram GetProgram(string name) =>
        _programs.TryGetValue(name, out var program)
            ? program
            : throw new KeyNotFoundException(
                $"bpf object '{Name}' has no program '{name}' (it has: {string.Join(", ", _programs.Keys)})");

    /// <summary>The map named <paramref name="name"/> (the C variable name).</summary>
    /// <exception cref="KeyNotFoundException">The object has no such map.</exception>
    public BpfMap GetMap(string name) =>
        _maps.TryGetValue(name, out var map)
            ? map
            : throw new KeyNotFoundException(
                $"bpf object '{Name}' has no map '{name}' (it has: {string.Join(", ", _maps.Keys)})");

    /// <summary>Closes every map and program fd of the object.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>One open-and-load try: the opened object and the verifier log buffers given to its programs.</summary>
    private sealed unsafe class LoadAttempt : IDisposable
    {
        private readonly List<(nint Program, nint Buffer)> _logs = [];
        private readonly string _objectName;
        private readonly int _logSize;
        private SafeBpfObjectHandle? _handle;

        private LoadAttempt(SafeBpfObjectHandle handle, string objectName, int logSize)
        {
            _handle = handle;
            _objectName = objectName;
            _logSize = logSize;
        }

        public SafeBpfObjectHandle Handle => _handle ?? throw new ObjectDisposedException(nameof(LoadAttempt));

        public static LoadAttempt Open(ReadOnlySpan<byte> elf, BpfLoadOptions options, int logSize)
        {
            var name = Encoding.UTF8.GetBytes(options.ObjectName + "\0");
            SafeBpfObjectHandle handle;
            fixed (byte* data = elf)
            fixed (byte* objectName = name)
            {
                var openOptions = new Interop.Libbpf.BpfObjectOpenOptions
                {
                    Size = (nuint)sizeof(Interop.Libbpf.BpfObjectOpenOptions),
                    ObjectName = objectName,
                };
                handle = Interop.Libbpf.bpf_object__open_mem(data, (nuint)elf.Length, &openOptions);
            }

            if (handle.IsInvalid)
            {
                var errno = Marshal.GetLastPInvokeError();
                handle.Dispose();
                throw new BpfLoadException(
                    $"open bpf object '{options.ObjectName}': {BpfErrors.Describe(errno)}", BpfErrors.Native(errno));
            }

            var attempt = new LoadAttempt(handle, options.ObjectName, logSize);
            try
            {
                attempt.ResizeMaps(options.MapMaxEntries);
                attempt.GiveProgramsLogBuffers();
                return attempt;
            }
            catch
            {
                attempt.Dispose();
                throw;
            }
        }

        public SafeBpfObjectHandle TakeHandle()
        {
            var handle = Handle;
            _handle = null;
            return handle;
        }

        /// <summary>The exception for a failed load: the rejected program's verifier log, or a privilege hint.</summary>
        public BpfException CreateException(int errno, bool truncated)
        {
            var failed = _logs.FirstOrDefault(log => *(byte*)log.Buffer != 0);
            if (failed.Program == 0)
            {
                var cause = $"load bpf object '{_objectName}': {BpfErrors.Describe(errno)}";
                return errno == Errno.EPERM
                    ? new BpfPermissionException($"{cause}: {BpfErrors.BpfPrivilegeHint}", BpfErrors.Native(errno))
                    : new BpfLoadException($"{cause} (libbpf's log says more)", BpfErrors.Native(errno));
            }

            var programName = Marshal.PtrToStringUTF8(Interop.Libbpf.bpf_program__name(failed.Program)) ?? string.Empty;
            var log = VerifierLog.Split(new ReadOnlySpan<byte>((byte*)failed.Buffer, _logSize));
            var message = $"load program '{programName}' of '{_objectName}': {BpfErrors.Describe(errno)}"
                + VerifierLog.Summarize(log)
                + (truncated ? $" (verifier log truncated at {_logSize} bytes)" : string.Empty);
            return new BpfLoadException(message, programName, log, truncated, BpfErrors.Native(errno));
        }

        public void Dispose()
        {
            _handle?.Dispose();
            _handle = null;

            // libbpf reads the log buffers only while loading, so they go even when the object lives on.
            foreach (var (_, buffer) in _logs)
            {
                NativeMemory.Free((void*)buffer);
            }

            _logs.Clear();
        }

        private void ResizeMaps(IReadOnlyDictionary<string, uint> sizes)
        {
            foreach (var (mapName, maxEntries) in sizes)
            {
                var map = FindMap(mapName);
                if (map == 0)
                {
                    throw new ArgumentException(
                        $"bpf object '{_objectName}' has no map '{mapName}' to resize", nameof(sizes));
                }

                var error = Interop.Libbpf.bpf_map__set_max_entries(map, maxEntries);
                if (error != 0)
                {
                    throw BpfErrors.ForBpf(error, $"resize map '{mapName}' of '{_objectName}' to {maxEntries} entries");
                }
            }
        }

        private nint FindMap(string mapName)
        {
            for (var map = Interop.Libbpf.bpf_object__next_map(Handle, 0); map != 0;
                 map = Interop.Libbpf.bpf_object__next_map(Handle, map))
            {
                if (Marshal.PtrToStringUTF8(Interop.Libbpf.bpf_map__name(map)) == mapName)
                {
                    return map;
                }
            }

            return 0;
        }

        private void GiveProgramsLogBuffers()
        {
            for (var program = Interop.Libbpf.bpf_object__next_program(Handle, 0); program != 0;
                 program = Interop.Libbpf.bpf_object__next_program(Handle, program))
            {
                var buffer = (nint)NativeMemory.AllocZeroed((nuint)_logSize);
                _logs.Add((program, buffer));
                var error = Interop.Libbpf.bpf_program__set_log_buf(program, (byte*)buffer, (nuint)_logSize);
                if (error != 0)
                {
                    throw BpfErrors.ForBpf(error, $"set verifier log buffer of '{_objectName}'");
                }
            }
        }
    }
}
