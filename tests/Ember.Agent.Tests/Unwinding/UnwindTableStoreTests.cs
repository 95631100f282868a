using Ember.Agent.Sampling;
using Ember.Agent.Unwinding;
using Ember.Symbols.Elf;
using Ember.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Unwinding;

/// <summary>
/// The table store on a fake /proc whose processes map copies of a real gcc-built binary: what it
/// hands the kernel (rows, mappings, biases), sharing, the budget and hostile .eh_frame.
/// </summary>
public sealed class UnwindTableStoreTests : IDisposable
{
    private const ulong Start = 0x5555_5555_4000;
    private readonly string _proc = Directory.CreateTempSubdirectory("ember-unwind-proc-").FullName;
    private readonly string _binary = BuildBinary();

    [Fact]
    public void A_process_gets_its_file_table_and_the_bias_that_turns_its_pcs_into_table_pcs()
    {
        var maps = new RecordingMaps(1 << 16);
        var store = new UnwindTableStore(maps, NullLogger.Instance, procRoot: _proc);
        var (segment, pageOffset, baseAddress) = MapBinary(1, "/app/good", File.ReadAllBytes(_binary));

        store.Load(1);

        var entry = maps.Processes[1];
        Assert.Equal(1u, entry.Count);
        var mapping = entry.Mappings[0];
        Assert.True(mapping.RowCount > 0);
        Assert.Equal(Start, mapping.Start);
        // The pc mapped from file offset pageOffset has ELF address pageOffset - p_offset + p_vaddr, and
        // table pc that less the table's lowest address: pc - bias.
        var pc = Start + 0x10;
        Assert.Equal(pageOffset + 0x10 - segment.Offset + segment.VirtualAddress - baseAddress, pc - mapping.Bias);
        Assert.Equal(1, store.Counters.TablesBuilt);
        Assert.Equal(mapping.RowCount, (uint)maps.RowsWritten);
    }

    [Fact]
    public void Processes_mapping_the_same_file_share_one_table()
    {
        var maps = new RecordingMaps(1 << 16);
        var store = new UnwindTableStore(maps, NullLogger.Instance, procRoot: _proc);
        var image = File.ReadAllBytes(_binary);
        MapBinary(1, "/app/good", image);
        MapBinary(2, "/app/good", image);

        store.Load(1);
        store.Load(2);

        Assert.Equal(1, store.Counters.TablesBuilt);
        Assert.Equal(maps.Processes[1].Mappings[0].FirstRow, maps.Processes[2].Mappings[0].FirstRow);
    }

    [Fact]
    public void A_table_that_does_not_fit_the_budget_is_marked_evicted_built_once_and_fits_once_an_unused_table_goes()
    {
        var image = File.ReadAllBytes(_binary);
        var rows = RowsOf(image);
        var maps = new RecordingMaps(rows + (rows / 2)); // room for one table, not two
        var store = new UnwindTableStore(maps, NullLogger.Instance, procRoot: _proc);
        MapBinary(1, "/app/first", image);
        var second = WithOtherBuildId(image);
        MapBinary(2, "/app/second", second);
        MapBinary(3, "/app/second", second, inode: 1002); // the very file process 2 maps

        store.Load(1);
        store.Load(2);
        store.Load(3);

        // Process 1 still maps the only table: the others walk that file by frame pointers, counted
        // apart by the kernel, and the store does not build the table again for the second process.
        foreach (var pid in new[] { 2, 3 })
        {
            var mapping = maps.Processes[pid].Mappings[0];
            Assert.Equal((ProfilerAbi.TableEvicted, 0u), (mapping.FirstRow, mapping.RowCount));
        }

        Assert.Equal(1, store.Counters.OverBudget);
        Assert.Equal(1, store.Counters.TablesBuilt);

        store.Prune(new HashSet<int> { 2 });
        store.Load(2);
        Assert.True(maps.Processes[2].Mappings[0].RowCount > 0);
        Assert.Equal(1, store.Counters.TablesEvicted);
        Assert.False(maps.Processes.ContainsKey(1));
    }

    [Fact]
    public void A_file_with_a_corrupt_eh_frame_gets_no_table_and_a_counted_failure()
    {
        var image = File.ReadAllBytes(_binary);
        using (var elf = ElfFile.FromMemory(image))
        {
            var section = elf.FindSection(".eh_frame") ?? throw new InvalidOperationException("the fixture has no .eh_frame");
            // Every CIE/FDE length says "far past the end".
            image.AsSpan((int)section.Offset, (int)section.Size).Fill(0x7f);
        }

        var maps = new RecordingMaps(1 << 16);
        var store = new UnwindTableStore(maps, NullLogger.Instance, procRoot: _proc);
        MapBinary(1, "/app/hostile", image);

        store.Load(1);

        Assert.Equal(1, store.Counters.BuildFailures);
        Assert.Equal(0, store.Counters.TablesBuilt);
        var mapping = maps.Processes[1].Mappings[0];
        Assert.Equal((0u, 0u), (mapping.FirstRow, mapping.RowCount)); // walked by frame pointers
    }

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    /// <summary>Writes a fake /proc/PID with one executable mapping of <paramref name="image"/>; returns its segment and table base.</summary>
    private (ElfProgramHeader Segment, ulong PageOffset, ulong BaseAddress) MapBinary(int pid, string path, byte[] image, int? inode = null)
    {
        var root = Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var file = root + "/root" + path;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, image);
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)); // copies of one file look alike
        using var elf = ElfFile.FromMemory(image);
        var segment = elf.ProgramHeaders.First(h => h.IsExecutableLoad);
        var length = (segment.FileSize + 0xfff) & ~0xfffUL;
        var pageOffset = segment.Offset & ~0xfffUL;
        File.WriteAllText(Path.Combine(root, "maps"),
            $"{Start:x}-{Start + length:x} r-xp {pageOffset:x8} 08:01 {inode ?? (1000 + pid)} {path}\n");
        return (segment, pageOffset, TableBase(elf));
    }

    private static ulong TableBase(ElfFile elf)
    {
        try
        {
            return Ember.Symbols.Unwinding.UnwindTableBuilder.Build(elf, Ember.Symbols.Unwinding.UnwindTableLimits.Default)?.Rows[0].Address ?? 0;
        }
        catch (Ember.Symbols.Unwinding.CfiFormatException)
        {
            return 0; // the hostile copy: the store must find this out itself
        }
    }

    private static int RowsOf(byte[] image)
    {
        using var elf = ElfFile.FromMemory(image);
        return Ember.Symbols.Unwinding.UnwindTableBuilder.Build(elf, Ember.Symbols.Unwinding.UnwindTableLimits.Default)!.Rows.Count;
    }

    /// <summary>The same binary under another GNU build ID, so the store sees another file.</summary>
    private static byte[] WithOtherBuildId(byte[] image)
    {
        var copy = (byte[])image.Clone();
        using var elf = ElfFile.FromMemory(image);
        var note = elf.FindSection(".note.gnu.build-id") ?? throw new InvalidOperationException("the fixture has no build ID");
        copy[(int)(note.Offset + note.Size - 1)] ^= 0xff;
        return copy;
    }

    private static string BuildBinary()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var directory = Directory.CreateTempSubdirectory("ember-unwind-bin-").FullName;
        var source = Path.Combine(directory, "work.c");
        File.WriteAllText(source, "int helper(int x) { return x * 3; }\nint main(int argc, char **argv) { return helper(argc); }\n");
        var binary = Path.Combine(directory, "work");
        ExternalProcess.RunChecked(gcc, ["-O2", "-fomit-frame-pointer", "-Wl,--build-id", "-o", binary, source]);
        return binary;
    }

    /// <summary>Keeps what the store wrote to the kernel.</summary>
    private sealed class RecordingMaps(int rowCapacity) : IUnwindMaps
    {
        public Dictionary<int, ProcessUnwind> Processes { get; } = [];

        public long RowsWritten { get; private set; }

        public int RowCapacity => rowCapacity;

        public int ProcessCapacity => 16;

        public long KernelBytes => ((long)rowCapacity * IUnwindMaps.RowBytes) + (ProcessCapacity * System.Runtime.CompilerServices.Unsafe.SizeOf<ProcessUnwind>());

        public void WriteRows(uint first, ReadOnlySpan<UnwindRow> rows)
        {
            Assert.True(first + rows.Length <= rowCapacity, "rows written past the array");
            RowsWritten += rows.Length;
        }

        public bool SetProcess(int pid, in ProcessUnwind mappings)
        {
            Processes[pid] = mappings;
            return true;
        }

        public Dictionary<int, PythonProcess> Pythons { get; } = [];

        public void RemoveProcess(int pid)
        {
            Processes.Remove(pid);
            Pythons.Remove(pid);
        }

        public void RemovePython(int pid) => Pythons.Remove(pid);

        public bool SetPython(int pid, in PythonProcess python)
        {
            Pythons[pid] = python;
            return true;
        }
    }
}
