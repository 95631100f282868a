using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Ember.Agent.Sampling;
using Ember.Symbols.Elf;
using Ember.Symbols.Processes;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Python;

/// <summary>
/// The CPython interpreters the agent has found, and the Python frames of their samples. A process
/// hosts CPython when it maps a file named python3.X or libpython3.X that defines <c>_PyRuntime</c>
/// (by what it maps, never by its executable's name); that file's symbols give where the kernel walk
/// starts. A frame the walk recorded (a code object's address and an instruction index) is named
/// by reading the code object from the process's memory: <c>co_qualname</c> (3.10: <c>co_name</c>), <c>co_filename</c>,
/// and the line from <c>co_linetable</c>. Thread-safe: the unwind loader describes processes on its
/// thread, the session's loop resolves frames on its own.
/// </summary>
public sealed partial class CPythonProcesses(ILogger logger, string procRoot = "/proc") : IDisposable
{
    /// <summary>Characters of a name or path read at most; longer ones are cut.</summary>
    private const int MaxStringLength = 1024;

    /// <summary>Bytes of a line table read at most; a larger one gives no line.</summary>
    private const int MaxLineTableBytes = 1 << 16;

    /// <summary>Code objects cached per process at most; past it the cache starts over (a process that keeps compiling code).</summary>
    private const int MaxCodeObjects = 1 << 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Entry> _processes = [];
    private readonly Dictionary<(uint Major, uint Minor, ulong Inode), InterpreterSymbols?> _files = [];

    /// <summary>Processes whose interpreter the kernel walks.</summary>
    public long Described { get; private set; }

    /// <summary>Processes running a CPython version with no layout: their stacks keep native frames only.</summary>
    public long Unsupported { get; private set; }

    /// <summary>
    /// Finds the CPython interpreter in <paramref name="pid"/>'s <paramref name="mappings"/>; the
    /// kernel walk's description of it, or null when it hosts none (or one of an unsupported version).
    /// </summary>
    internal PythonProcess? Describe(int pid, IReadOnlyList<ProcessMapping> mappings)
    {
        foreach (var mapping in mappings)
        {
            if (mapping.Kind != MappingKind.File || !mapping.IsExecutable)
            {
                continue;
            }

            var version = InterpreterFile().Match(System.IO.Path.GetFileName(mapping.Path));
            if (!version.Success)
            {
                continue;
            }

            var symbols = SymbolsOf(pid, mapping);
            if (symbols is null || !symbols.TryLocate(mappings, mapping.Path, out var runtime, out var codeType))
            {
                continue; // names python3.X but defines no interpreter: an executable linked to libpython
            }

            var name = $"{version.Groups[1].Value}.{version.Groups[2].Value}";
            var layout = CPythonLayout.ForVersion(int.Parse(version.Groups[1].ValueSpan), int.Parse(version.Groups[2].ValueSpan));
            lock (_gate)
            {
                if (layout is null)
                {
                    Unsupported++;
                    LogUnsupported(logger, pid, name, CPythonLayout.Supported);
                    return null;
                }

                if (_processes.Remove(pid, out var earlier))
                {
                    earlier.Dispose();
                }

                var process = new CPythonProcess(name, layout, runtime, codeType);
                _processes[pid] = new Entry(pid, process);
                Described++;
                LogDescribed(logger, pid, name, process.Runtime);
                return layout.ToKernel(process.Runtime);
            }
        }

        return null;
    }

    /// <summary>The interpreter found in <paramref name="pid"/>, or null.</summary>
    public CPythonProcess? InterpreterOf(int pid)
    {
        lock (_gate)
        {
            return _processes.TryGetValue(pid, out var entry) ? entry.Process : null;
        }
    }

    /// <summary>
    /// Names a Python frame word of <paramref name="pid"/>'s stack (see bpf/profiler.h); null when the
    /// process is no described interpreter, is gone, or the memory no longer holds a code object.
    /// </summary>
    public CPythonFrame? Resolve(int pid, ulong word)
    {
        lock (_gate)
        {
            if (!_processes.TryGetValue(pid, out var entry))
            {
                return null;
            }

            var address = word & ProfilerAbi.PythonCodeMask;
            if (!entry.Code.TryGetValue(address, out var code))
            {
                code = ReadCode(entry, address);
                Cache(entry, address, code);
            }

            if (code is null)
            {
                return null;
            }

            var index = (int)(word >> ProfilerAbi.PythonIndexShift);
            return new CPythonFrame(code.QualifiedName, code.FileName, CPythonLineTable.LineOf(entry.Process.Layout.LineTable, code.LineTable, code.FirstLine, index));
        }
    }

    /// <summary>Reads the code object at <paramref name="code"/> now, while the process lives, for <see cref="Resolve"/> later.</summary>
    public void Prefetch(int pid, ulong code)
    {
        lock (_gate)
        {
            if (_processes.TryGetValue(pid, out var entry) && !entry.Code.ContainsKey(code))
            {
                Cache(entry, code, ReadCode(entry, code));
            }
        }
    }

    /// <summary>Forgets an exited (or re-exec'd) process.</summary>
    public void Forget(int pid)
    {
        lock (_gate)
        {
            if (_processes.Remove(pid, out var entry))
            {
                entry.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _processes.Values)
            {
                entry.Dispose();
            }

            _processes.Clear();
        }
    }

    [GeneratedRegex(@"^(?:lib)?python(\d)\.(\d{1,2})(?:$|[^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex InterpreterFile();

    [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "process {Pid} runs CPython {Version}, whose Python frames Ember cannot walk ({Supported} only): its stacks show the interpreter's native frames")]
    private static partial void LogUnsupported(ILogger logger, int pid, string version, string supported);

    [LoggerMessage(EventId = 55, Level = LogLevel.Debug, Message = "process {Pid} runs CPython {Version}, _PyRuntime at {Runtime:x}")]
    private static partial void LogDescribed(ILogger logger, int pid, string version, ulong runtime);

    private InterpreterSymbols? SymbolsOf(int pid, ProcessMapping mapping)
    {
        var key = (mapping.DeviceMajor, mapping.DeviceMinor, mapping.Inode);
        lock (_gate)
        {
            if (_files.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var symbols = InterpreterSymbols.Read($"{procRoot}/{pid}/root{mapping.Path}");
        lock (_gate)
        {
            _files[key] = symbols;
        }

        return symbols;
    }

    private static void Cache(Entry entry, ulong address, CodeObject? code)
    {
        if (entry.Code.Count >= MaxCodeObjects)
        {
            entry.Code.Clear();
        }

        entry.Code[address] = code;
    }

    private CodeObject? ReadCode(Entry entry, ulong address)
    {
        entry.Memory ??= ProcessMemory.Open(procRoot, entry.Pid);
        var memory = entry.Memory;
        var layout = entry.Process.Layout;
        if (memory is null || memory.ReadWord(address + (ulong)layout.ObjectType) != entry.Process.CodeType)
        {
            return null;
        }

        Span<byte> firstLine = stackalloc byte[4];
        var qualifiedName = ReadString(memory, layout, memory.ReadWord(address + (ulong)layout.CodeName));
        var fileName = ReadString(memory, layout, memory.ReadWord(address + (ulong)layout.CodeFileName));
        if (qualifiedName is null || fileName is null || !memory.TryRead(address + (ulong)layout.CodeFirstLine, firstLine))
        {
            return null;
        }

        var lineTable = ReadBytes(memory, layout, memory.ReadWord(address + (ulong)layout.CodeLineTable)) ?? [];
        return new CodeObject(qualifiedName, fileName, BinaryPrimitives.ReadInt32LittleEndian(firstLine), lineTable);
    }

    /// <summary>A compact str object's text (what code objects' names and paths are), or null.</summary>
    private static string? ReadString(ProcessMemory memory, CPythonLayout layout, ulong? address)
    {
        if (address is not { } at || memory.ReadWord(at + (ulong)layout.VarSize) is not { } length || memory.ReadWord(at + (ulong)layout.UnicodeState) is not { } state)
        {
            return null;
        }

        var kind = (int)((state >> 2) & 7);
        var compact = (state & 0x20) != 0;
        var ascii = (state & 0x40) != 0;
        if (!compact || kind is not (1 or 2 or 4))
        {
            return null;
        }

        var characters = (int)Math.Min(length, MaxStringLength);
        var bytes = new byte[characters * kind];
        if (!memory.TryRead(at + (ulong)(ascii ? layout.UnicodeAsciiData : layout.UnicodeCompactData), bytes))
        {
            return null;
        }

        return kind switch
        {
            1 => Encoding.Latin1.GetString(bytes),
            2 => Encoding.Unicode.GetString(bytes),
            _ => Encoding.UTF32.GetString(bytes),
        };
    }

    private static byte[]? ReadBytes(ProcessMemory memory, CPythonLayout layout, ulong? address)
    {
        if (address is not { } at || memory.ReadWord(at + (ulong)layout.VarSize) is not { } length || length > MaxLineTableBytes)
        {
            return null;
        }

        var bytes = new byte[length];
        return memory.TryRead(at + (ulong)layout.BytesData, bytes) ? bytes : null;
    }

    /// <summary>What one interpreter binary defines: ELF addresses of _PyRuntime and PyCode_Type, and its loadable segments.</summary>
    private sealed class InterpreterSymbols(ulong runtime, ulong codeType, ElfProgramHeader[] segments)
    {
        public ulong Runtime { get; } = runtime;

        public ulong CodeType { get; } = codeType;

        /// <summary>The file's symbols, or null when it defines no interpreter (or cannot be read).</summary>
        public static InterpreterSymbols? Read(string path)
        {
            try
            {
                using var elf = ElfFile.Open(path);
                var table = elf.FindSection(".dynsym") ?? elf.FindSection(".symtab");
                if (table is null)
                {
                    return null;
                }

                ulong runtime = 0, codeType = 0;
                foreach (var symbol in elf.ReadSymbols(table))
                {
                    if (symbol.Value == 0)
                    {
                        continue; // undefined here: an executable that links libpython
                    }

                    if (symbol.Name == "_PyRuntime")
                    {
                        runtime = symbol.Value;
                    }
                    else if (symbol.Name == "PyCode_Type")
                    {
                        codeType = symbol.Value;
                    }
                }

                return runtime != 0 && codeType != 0
                    ? new InterpreterSymbols(runtime, codeType, elf.ProgramHeaders.Where(h => h.Type == ElfSegmentType.Load).ToArray())
                    : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ElfFormatException or UnsupportedElfException)
            {
                return null;
            }
        }

        /// <summary>Where the file at <paramref name="path"/> in <paramref name="mappings"/> has both symbols (initialised data, so file-backed).</summary>
        public bool TryLocate(IReadOnlyList<ProcessMapping> mappings, string path, out ulong runtime, out ulong codeType)
        {
            runtime = codeType = 0;
            foreach (var mapping in mappings.Where(m => m.Path == path))
            {
                runtime = runtime != 0 ? runtime : AddressTranslator.ToRuntimeAddress(mapping, segments, Runtime) ?? 0;
                codeType = codeType != 0 ? codeType : AddressTranslator.ToRuntimeAddress(mapping, segments, CodeType) ?? 0;
            }

            return runtime != 0 && codeType != 0;
        }
    }

    private sealed record CodeObject(string QualifiedName, string FileName, int FirstLine, byte[] LineTable);

    private sealed class Entry(int pid, CPythonProcess process) : IDisposable
    {
        public CPythonProcess Process { get; } = process;

        public int Pid { get; } = pid;

        public ProcessMemory? Memory { get; set; }

        public Dictionary<ulong, CodeObject?> Code { get; } = [];

        public void Dispose() => Memory?.Dispose();
    }
}

/// <summary>A Python frame: the function's qualified name, its file and the line it was on (0 when unknown).</summary>
public sealed record CPythonFrame(string QualifiedName, string FileName, int Line);
