using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace Ember.Bpf.Tests.Support;

/// <summary>
/// The Fixtures/workload.c program, built with frame pointers and running: its pid, its CPU time
/// and its memory map, to check what the sampler saw against what really ran.
/// </summary>
internal sealed class Workload : IDisposable
{
    // USER_HZ: /proc/PID/stat reports CPU time in these ticks on every Linux architecture.
    private const double TicksPerSecond = 100;

    private readonly TempDirectory _directory;
    private readonly Process _process;

    private Workload(TempDirectory directory, string executable, Process process)
    {
        _directory = directory;
        ExecutablePath = executable;
        _process = process;
    }

    /// <summary>How coarse <see cref="CpuTime"/> is: one clock tick.</summary>
    public static TimeSpan CpuTimeResolution => TimeSpan.FromSeconds(1 / TicksPerSecond);

    public int Pid => _process.Id;

    public string ExecutablePath { get; }

    /// <summary>Builds the workload and starts it for <paramref name="seconds"/>; returns once it runs.</summary>
    public static Workload Start(double seconds)
    {
        var directory = new TempDirectory();
        var executable = Clang.CompileProgram(
            Tools.Fixture("workload.c"), directory.File("workload"),
            "-O1", "-g", "-fno-omit-frame-pointer", "-mno-omit-leaf-frame-pointer");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the workload");
        if (process.StandardOutput.ReadLine() != "ready")
        {
            throw new InvalidOperationException("the workload did not start");
        }

        return new Workload(directory, executable, process);
    }

    /// <summary>User plus system CPU time the workload has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            // Fields after the parenthesised comm start at field 3 (state); utime and stime are fields 14 and 15.
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
    }

    /// <summary>The executable's mappings from /proc/PID/maps: start, end and file offset.</summary>
    public IReadOnlyList<(ulong Start, ulong End, ulong Offset)> ExecutableMappings()
    {
        var mappings = new List<(ulong, ulong, ulong)>();
        foreach (var line in File.ReadAllLines($"/proc/{Pid}/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 6 && fields[5] == ExecutablePath)
            {
                var range = fields[0].Split('-');
                mappings.Add((Hex(range[0]), Hex(range[1]), Hex(fields[2])));
            }
        }

        return mappings;
    }

    /// <summary>
    /// The ELF virtual address of a runtime address inside the executable: runtime → file offset
    /// through /proc/PID/maps, file offset → vaddr through the ELF program headers. Null outside.
    /// </summary>
    public ulong? ToElfAddress(ulong address)
    {
        foreach (var (start, end, offset) in ExecutableMappings())
        {
            if (address >= start && address < end)
            {
                return FileOffsetToVirtualAddress(address - start + offset);
            }
        }

        return null;
    }

    /// <summary>Waits for the workload to end by itself.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private ulong? FileOffsetToVirtualAddress(ulong fileOffset)
    {
        // ELF64 header: e_phoff at 0x20, e_phentsize at 0x36, e_phnum at 0x38. Program header:
        // p_type at 0, p_offset at 8, p_vaddr at 16, p_filesz at 32.
        var elf = File.ReadAllBytes(ExecutablePath);
        var headers = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x20));
        var size = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x36));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x38));
        for (var i = 0; i < count; i++)
        {
            var header = elf.AsSpan(headers + (i * size));
            const uint load = 1;
            var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            var fileSize = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) == load && fileOffset >= offset && fileOffset < offset + fileSize)
            {
                return fileOffset - offset + BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
            }
        }

        return null;
    }

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
