using System.Threading.Channels;
using Ember.Agent.Python;
using Ember.Agent.Sampling;
using Ember.Symbols.Caching;
using Ember.Symbols.Elf;
using Ember.Symbols.Processes;
using Ember.Symbols.Unwinding;
using Microsoft.Extensions.Logging;
using KernelRow = Ember.Agent.Sampling.UnwindRow;

namespace Ember.Agent.Unwinding;

/// <summary>
/// Gives the kernel's user-stack walk what it needs for each process: every executable file's unwind
/// table (built from its .eh_frame once, shared by all processes that map it) in the shared row
/// array, and the process's executable mappings pointing at those rows.
/// </summary>
/// <remarks>
/// A file is looked up by (device, inode, size, modification time), one stat, and opened only the
/// first time; its table is shared by GNU build ID, so copies of one binary share one table. A table
/// that does not fit the row budget first evicts tables no live process maps, least recently used
/// first; if it still does not fit, its file is walked by frame pointers (the kernel counts those
/// frames as table_evicted) and not built again until enough tables are unused to make room. Thread
/// safe: the session loads processes on its event thread and prunes them on its loop.
/// </remarks>
public sealed partial class UnwindTableStore
{
    private readonly Lock _gate = new();
    private readonly IUnwindMaps _maps;
    private readonly RowAllocator _rows;
    private readonly UnwindTableLimits _limits;
    private readonly string _procRoot;
    private readonly ILogger _logger;
    private readonly Dictionary<FileIdentity, LoadedTable?> _tablesByFile = [];
    private readonly Dictionary<string, LoadedTable?> _tablesByBuildId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<LoadedTable>> _processes = [];

    /// <summary>Files whose table did not fit, with the rows it needs: not built again until that much room could be made.</summary>
    private readonly Dictionary<FileIdentity, uint> _overBudget = [];
    private long _useClock;

    private readonly Action<UnwindTableReport>? _report;

    /// <summary>Where CPython interpreters are found and described to the walk; null leaves Python stacks native.</summary>
    private readonly CPythonProcesses? _python;

    /// <summary>Processes waiting for their tables; full, a request is dropped and the process keeps frame pointers.</summary>
    private readonly Channel<int> _requests = Channel.CreateBounded<int>(new BoundedChannelOptions(RequestBacklog)
    {
        SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropWrite,
    });

    private const int RequestBacklog = 16384;

    internal UnwindTableStore(
        IUnwindMaps maps, ILogger logger, Action<UnwindTableReport>? report = null, string procRoot = "/proc", UnwindTableLimits? limits = null,
        CPythonProcesses? python = null)
    {
        _maps = maps;
        _python = python;
        _report = report;
        _logger = logger;
        _procRoot = procRoot;
        _limits = limits ?? UnwindTableLimits.Default;
        _rows = new RowAllocator((uint)maps.RowCapacity);
    }

    /// <summary>What the store did so far.</summary>
    public UnwindTableCounters Counters { get; private set; }

    /// <summary>Bytes of kernel memory the row array and the mapping map are charged for (both preallocated).</summary>
    public long KernelBytes => _maps.KernelBytes;

    /// <summary>
    /// Asks for <paramref name="pid"/>'s tables to be loaded by <see cref="Run"/>: building a table
    /// takes milliseconds, and the caller (the session's event thread) must capture the next process
    /// before it exits.
    /// </summary>
    public void Request(int pid)
    {
        // The Python walk needs no tables: described at once, a short-lived interpreter does not wait
        // behind the tables of every process announced before it.
        DescribePython(pid);
        _requests.Writer.TryWrite(pid);
    }

    /// <summary>Loads requested processes until <paramref name="stop"/>.</summary>
    public void Run(CancellationToken stop)
    {
        try
        {
            while (_requests.Reader.WaitToReadAsync(stop).AsTask().GetAwaiter().GetResult())
            {
                while (_requests.Reader.TryRead(out var pid))
                {
                    Load(pid);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the session ended
        }
    }

    /// <summary>Reads <paramref name="pid"/>'s executable mappings and hands them, with their tables, to the kernel.</summary>
    public void Load(int pid)
    {
        IReadOnlyList<ProcessMapping> mappings;
        try
        {
            mappings = ProcMapsParser.Read(pid, _procRoot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // gone already: its samples keep the frames the kernel walked by frame pointers
        }

        lock (_gate)
        {
            Release(pid);
            var entry = default(ProcessUnwind);
            var used = new List<LoadedTable>();
            var count = 0;
            foreach (var mapping in mappings)
            {
                if (!mapping.IsExecutable || mapping.Kind != MappingKind.File || count == ProfilerAbi.MaxUnwindMappings)
                {
                    continue;
                }

                var table = TableFor(pid, mapping, out var overBudget);
                if (table is null || !table.TryBias(mapping, out var bias))
                {
                    // An over-budget file is walked by frame pointers too, but the kernel counts its frames apart.
                    entry.Mappings[count++] = new UnwindMapping
                    {
                        Start = mapping.Start, End = mapping.End, FirstRow = overBudget ? ProfilerAbi.TableEvicted : 0,
                    };
                    continue;
                }

                table.References++;
                table.LastUse = ++_useClock;
                used.Add(table);
                entry.Mappings[count++] = new UnwindMapping
                {
                    Start = mapping.Start, End = mapping.End, Bias = bias, FirstRow = table.FirstRow, RowCount = (uint)table.Rows,
                };
            }

            entry.Count = (uint)count;
            _processes[pid] = used;
            if (!_maps.SetProcess(pid, entry))
            {
                Counters = Counters with { ProcessesNotLoaded = Counters.ProcessesNotLoaded + 1 };
            }

            Report();
        }
    }

    /// <summary>Forgets every process not in <paramref name="alive"/>; their tables stay until the budget needs the room.</summary>
    public void Prune(IReadOnlySet<int> alive)
    {
        ArgumentNullException.ThrowIfNull(alive);
        lock (_gate)
        {
            foreach (var pid in _processes.Keys.Where(pid => !alive.Contains(pid)).ToList())
            {
                Release(pid);
                _maps.RemoveProcess(pid);
                _python?.Forget(pid);
            }

            Report();
        }
    }

    /// <summary>Tells the walk where <paramref name="pid"/>'s CPython interpreter is, or that it hosts none (any more).</summary>
    private void DescribePython(int pid)
    {
        if (_python is null)
        {
            return;
        }

        IReadOnlyList<ProcessMapping> mappings;
        try
        {
            mappings = ProcMapsParser.Read(pid, _procRoot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // gone already
        }

        if (_python.Describe(pid, mappings) is { } python)
        {
            _maps.SetPython(pid, python); // full: its stacks stay native, as CPythonProcesses.Described over the map's size shows
            return;
        }

        _python.Forget(pid);
        _maps.RemovePython(pid);
    }

    private void Report() =>
        _report?.Invoke(new UnwindTableReport(Counters, (long)_rows.Used * IUnwindMaps.RowBytes, KernelBytes, LoadedTables().Count(), _processes.Count));

    private void Release(int pid)
    {
        if (_processes.Remove(pid, out var tables))
        {
            foreach (var table in tables)
            {
                table.References--;
            }
        }
    }

    /// <summary>The loaded table of the mapping's file, built on first need; null when it has none.</summary>
    private LoadedTable? TableFor(int pid, ProcessMapping mapping, out bool overBudget)
    {
        overBudget = false;
        // The file as the process sees it: through its root, so a container's files are the ones read.
        var path = $"{_procRoot}/{pid}/root{mapping.Path}";
        FileIdentity identity;
        try
        {
            var info = new FileInfo(path);
            identity = FileIdentity.ForInode(mapping.DeviceMajor, mapping.DeviceMinor, mapping.Inode, info.Length, info.LastWriteTimeUtc);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (_tablesByFile.TryGetValue(identity, out var known))
        {
            return known;
        }

        if (_overBudget.TryGetValue(identity, out var needed) && !CouldMakeRoom(needed))
        {
            overBudget = true;
            return null;
        }

        ElfFile elf;
        try
        {
            elf = ElfFile.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ElfFormatException or UnsupportedElfException)
        {
            return null;
        }

        using (elf)
        {
            var buildId = elf.GnuBuildId;
            if (buildId is null || !_tablesByBuildId.TryGetValue(buildId, out var loaded))
            {
                // A file with no usable table is remembered; one that did not fit is tried again next time.
                loaded = Build(elf, mapping.Path, out var rowsNeeded);
                if (rowsNeeded > 0)
                {
                    _overBudget[identity] = rowsNeeded;
                    overBudget = true;
                    return null;
                }

                if (buildId is not null)
                {
                    _tablesByBuildId[buildId] = loaded;
                }
            }

            _overBudget.Remove(identity);
            _tablesByFile[identity] = loaded;
            return loaded;
        }
    }

    /// <summary>Builds and loads the file's table; null when it has none, with <paramref name="rowsNeeded"/> set when it did not fit.</summary>
    private LoadedTable? Build(ElfFile elf, string name, out uint rowsNeeded)
    {
        rowsNeeded = 0;
        UnwindTable? table;
        try
        {
            table = UnwindTableBuilder.Build(elf, _limits);
        }
        catch (CfiFormatException ex)
        {
            Counters = Counters with { BuildFailures = Counters.BuildFailures + 1 };
            LogBuildFailed(_logger, name, ex.Error, ex.Message);
            return null;
        }

        if (table is null || table.Rows.Count == 0)
        {
            Counters = Counters with { FilesWithoutTables = Counters.FilesWithoutTables + 1 };
            return null;
        }

        var rows = RowEncoder.Encode(table, out var baseAddress);
        if (rows is null || rows.Length > ProfilerAbi.MaxTableRows)
        {
            Counters = Counters with { BuildFailures = Counters.BuildFailures + 1 };
            LogBuildFailed(_logger, name, CfiError.TooManyRows, "the table spans over 4 GiB or holds over 2^22 rows");
            return null;
        }

        if (!TryAllocate((uint)rows.Length, out var first))
        {
            rowsNeeded = (uint)rows.Length;
            Counters = Counters with { OverBudget = Counters.OverBudget + 1 };
            return null;
        }

        _maps.WriteRows(first, rows);
        Counters = Counters with { TablesBuilt = Counters.TablesBuilt + 1 };
        var loaded = new LoadedTable(first, rows.Length, baseAddress, elf.ProgramHeaders.Where(h => h.IsExecutableLoad).ToArray());
        LogBuilt(_logger, name, rows.Length, table.Source);
        return loaded;
    }

    /// <summary>Finds room for <paramref name="count"/> rows, evicting unused tables least recently used first.</summary>
    private bool TryAllocate(uint count, out uint first)
    {
        while (!_rows.TryAllocate(count, out first))
        {
            var victim = LoadedTables().Where(t => t.References == 0).MinBy(t => t.LastUse);
            if (victim is null)
            {
                return false;
            }

            _rows.Free(victim.FirstRow, (uint)victim.Rows);
            Forget(_tablesByFile, victim);
            Forget(_tablesByBuildId, victim);
            Counters = Counters with { TablesEvicted = Counters.TablesEvicted + 1 };
        }

        return true;
    }

    /// <summary>Whether free rows and the rows of unused tables add up to <paramref name="count"/> (fragmentation aside).</summary>
    private bool CouldMakeRoom(uint count) =>
        _rows.Capacity - _rows.Used + LoadedTables().Where(t => t.References == 0).Sum(t => (long)t.Rows) >= count;

    private IEnumerable<LoadedTable> LoadedTables() => _tablesByFile.Values.OfType<LoadedTable>().Distinct();

    private static void Forget<TKey>(Dictionary<TKey, LoadedTable?> tables, LoadedTable table)
        where TKey : notnull
    {
        foreach (var key in tables.Where(t => t.Value == table).Select(t => t.Key).ToList())
        {
            tables.Remove(key);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "unwind table of {File}: {Rows} rows from {Section}")]
    private static partial void LogBuilt(ILogger logger, string file, int rows, CfiSection section);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "unwind table of {File} not built ({Error}): {Reason}; its frames are walked by frame pointers")]
    private static partial void LogBuildFailed(ILogger logger, string file, CfiError error, string reason);

    /// <summary>A table in the row array.</summary>
    private sealed class LoadedTable(uint firstRow, int rows, ulong baseAddress, ElfProgramHeader[] segments)
    {
        public uint FirstRow { get; } = firstRow;

        public int Rows { get; } = rows;

        public int References { get; set; }

        public long LastUse { get; set; }

        /// <summary>
        /// The bias the kernel subtracts from a pc in <paramref name="mapping"/> to get a table pc:
        /// the mapping's load bias (pc to ELF address, by the segment holding its file offset) plus the table's base.
        /// </summary>
        public bool TryBias(ProcessMapping mapping, out ulong bias)
        {
            foreach (var segment in segments)
            {
                // The kernel maps whole pages: a segment at file offset 0x1234 is mapped from offset 0x1000.
                if (segment.ContainsFileOffset(mapping.FileOffset) || (segment.Offset & ~0xfffUL) == mapping.FileOffset)
                {
                    bias = mapping.Start - mapping.FileOffset + segment.Offset - segment.VirtualAddress + baseAddress;
                    return true;
                }
            }

            bias = 0;
            return false;
        }
    }
}

/// <summary>An <see cref="UnwindTableStore"/>'s state for the metrics.</summary>
/// <param name="Counters">What it did, cumulative.</param>
/// <param name="TableBytes">Bytes of rows in use.</param>
/// <param name="KernelBytes">Bytes the row array and the mapping map reserve in the kernel.</param>
/// <param name="Tables">Tables loaded.</param>
/// <param name="Processes">Processes whose mappings the kernel holds.</param>
public readonly record struct UnwindTableReport(UnwindTableCounters Counters, long TableBytes, long KernelBytes, int Tables, int Processes);

/// <summary>What an <see cref="UnwindTableStore"/> did, cumulative.</summary>
/// <param name="TablesBuilt">Tables built and loaded into the kernel.</param>
/// <param name="TablesEvicted">Tables evicted to make room under the budget.</param>
/// <param name="BuildFailures">Files whose call-frame information was malformed or hostile: walked by frame pointers.</param>
/// <param name="FilesWithoutTables">Executable files with no .eh_frame or .debug_frame (Go binaries, stripped ones).</param>
/// <param name="OverBudget">Tables that did not fit the budget even after evicting every unused one.</param>
/// <param name="ProcessesNotLoaded">Processes the kernel's mapping map had no room for.</param>
public readonly record struct UnwindTableCounters(
    long TablesBuilt, long TablesEvicted, long BuildFailures, long FilesWithoutTables, long OverBudget, long ProcessesNotLoaded);
