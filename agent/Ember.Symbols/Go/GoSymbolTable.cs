using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ember.Symbols.Elf;

namespace Ember.Symbols.Go;

/// <summary>
/// Symbolizes Go code from the <c>pclntab</c> the Go runtime itself needs for stack traces, so it is
/// present even in binaries built with <c>-ldflags=-s -w</c>. Supports the Go 1.16, 1.18 and 1.20
/// layouts of 64-bit binaries.
/// </summary>
/// <remarks>
/// The table is found through the <c>.gopclntab</c> section or, when section headers are gone, by
/// scanning the loadable segments for its header and checking that the function table is consistent.
/// Only the function table (12 bytes per function) is held in memory; names and the pc-value tables
/// are read from the file on demand. File and line come from the pcfile/pcln tables, which for
/// inlined code describe the inlined callee while the name is the outer function (as
/// <c>go tool addr2line</c> reports). Thread-safe; the table reads through its <see cref="ElfFile"/>,
/// which must stay open.
/// </remarks>
public sealed class GoSymbolTable
{
    /// <summary>Upper bound on functions accepted in one table.</summary>
    public const int MaxFunctions = 1 << 24;

    private const uint Magic116 = 0xfffffffa;
    private const uint Magic118 = 0xfffffff0;
    private const uint Magic120 = 0xfffffff1;
    private const int HeaderBytes = 8 + (8 * 8);
    private const int MaxNameBytes = 64 * 1024;
    private const int MaxPcValueSteps = 1 << 20;
    private const int ScanChunk = 1 << 20;
    private const int MaxCachedStrings = 1 << 16;

    private readonly ElfSource _source;
    private readonly long _tableOffset;
    private readonly long _tableSize;
    private readonly uint _quantum;
    private readonly long _funcNames;
    private readonly long _cuTable;
    private readonly long _fileTable;
    private readonly long _pcTable;
    private readonly long _funcTable;
    private readonly ulong[] _entries;
    private readonly uint[] _funcOffsets;

    // Names and file paths repeat across lookups (one per function, a few hundred files); reading
    // them from the file each time would dominate the cost of a lookup.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _strings = new();

    // Function records (44 bytes each) are read once per function.
    private readonly byte[]?[] _records;

    private GoSymbolTable(ElfSource source, long tableOffset, long tableSize, ulong textStartHint)
    {
        _source = source;
        _tableOffset = tableOffset;
        _tableSize = tableSize;
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (tableSize < HeaderBytes || source.ReadAtMost(tableOffset, header) < HeaderBytes)
        {
            throw Invalid("header is truncated");
        }

        Version = BinaryPrimitives.ReadUInt32LittleEndian(header) switch
        {
            Magic116 => GoPclnVersion.Go116,
            Magic118 => GoPclnVersion.Go118,
            Magic120 => GoPclnVersion.Go120,
            var other => throw Invalid(string.Create(CultureInfo.InvariantCulture, $"unknown magic 0x{other:x8}")),
        };
        _quantum = header[6];
        if (header[4] != 0 || header[5] != 0 || _quantum is not (1 or 2 or 4) || header[7] != 8)
        {
            throw Invalid("header has bad padding, PC quantum or pointer size");
        }

        var functionCount = Word(header, 0);
        if (functionCount == 0 || functionCount > MaxFunctions)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{functionCount} functions is out of range"));
        }

        var first = Version == GoPclnVersion.Go116 ? 2 : 3;
        _funcNames = Offset(Word(header, first), "function name table");
        _cuTable = Offset(Word(header, first + 1), "compilation unit table");
        _fileTable = Offset(Word(header, first + 2), "file table");
        _pcTable = Offset(Word(header, first + 3), "pc-value table");
        _funcTable = Offset(Word(header, first + 4), "function table");
        if (Version != GoPclnVersion.Go116)
        {
            // As debug/gosym does, prefer the caller's text address: the header word may be unrelocated in PIE files.
            TextStart = textStartHint != 0 ? textStartHint : Word(header, 2);
        }

        (_entries, _funcOffsets) = ReadFunctionTable((int)functionCount);
        _records = new byte[]?[functionCount];
        CheckFirstAndLastFunctions();
    }

    /// <summary>Layout generation of the table.</summary>
    public GoPclnVersion Version { get; }

    /// <summary>Address the 32-bit entry offsets are relative to (0 for the Go 1.16 layout, which stores absolute PCs).</summary>
    public ulong TextStart { get; }

    /// <summary>Number of functions in the table.</summary>
    public int FunctionCount => _funcOffsets.Length;

    /// <summary>
    /// Finds and opens the pclntab of <paramref name="elf"/>; null when the file has none (not a Go binary
    /// or a Go layout older than 1.16).
    /// </summary>
    /// <exception cref="ElfFormatException">A <c>.gopclntab</c> section exists but is malformed.</exception>
    public static GoSymbolTable? TryLoad(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        // PIE and externally linked binaries name it .data.rel.ro.gopclntab.
        var section = elf.FindSection(".gopclntab") ?? elf.Sections.FirstOrDefault(s => s.Name.EndsWith(".gopclntab", StringComparison.Ordinal));
        var text = elf.FindSection(".text")?.Address ?? 0;
        if (section is not null && section.HasFileContents)
        {
            elf.Source.CheckRange(section.Offset, section.Size, ".gopclntab");
            if (!HasKnownMagic(elf.Source, (long)section.Offset))
            {
                return null;
            }

            return new GoSymbolTable(elf.Source, (long)section.Offset, (long)section.Size, text);
        }

        // No usable section: stripped section headers, or a linker that named it differently.
        return elf.Sections.Count == 0 || elf.GoBuildId is not null ? Scan(elf) : null;
    }

    /// <summary>The function at position <paramref name="index"/> in address order.</summary>
    public GoFunction FunctionAt(int index) => FunctionAt(index, FuncRecord(index));

    /// <summary>The function containing <paramref name="pc"/> (an ELF virtual address), or null.</summary>
    /// <exception cref="ElfFormatException">The function's record is malformed.</exception>
    public GoFunction? FindFunction(ulong pc)
    {
        var index = IndexOf(pc);
        return index < 0 ? null : FunctionAt(index);
    }

    /// <summary>Function, source file and line of <paramref name="pc"/>, or null when no function contains it.</summary>
    /// <exception cref="ElfFormatException">The function's records or pc-value tables are malformed.</exception>
    public GoSourceLocation? Resolve(ulong pc)
    {
        var index = IndexOf(pc);
        if (index < 0)
        {
            return null;
        }

        var record = FuncRecord(index);
        var function = FunctionAt(index, record);
        var fileIndex = PcValue(Field(record, 5), function.Entry, function.End, pc);
        var line = PcValue(Field(record, 6), function.Entry, function.End, pc);
        string? file = null;
        if (fileIndex >= 0)
        {
            var cuOffset = Field(record, 8);
            var fileOffset = ReadUInt32(_cuTable + (((long)cuOffset + fileIndex) * 4), "compilation unit table");
            if (fileOffset != uint.MaxValue)
            {
                file = ReadCString(_fileTable, fileOffset, "file name");
            }
        }

        return new GoSourceLocation(function, file, line >= 0 ? line : null);
    }

    private static GoSymbolTable? Scan(ElfFile elf)
    {
        // Without section headers the table is found by its header; the Go linker puts it in the
        // read-only data segment, so non-executable segments are searched first.
        var segments = elf.ProgramHeaders.Where(p => p.Type == ElfSegmentType.Load && p.FileSize > 0)
            .OrderBy(p => p.IsExecutableLoad ? 1 : 0).ToList();
        var textHint = elf.ProgramHeaders.FirstOrDefault(p => p.IsExecutableLoad) is { } exec ? GoTextStart(elf, exec) : 0;
        var buffer = new byte[ScanChunk + 8];
        foreach (var segment in segments)
        {
            var end = (long)Math.Min(segment.Offset + segment.FileSize, (ulong)elf.Length);
            for (var chunkStart = (long)segment.Offset; chunkStart < end; chunkStart += ScanChunk)
            {
                var read = elf.Source.ReadAtMost(chunkStart, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - chunkStart)));
                var window = buffer.AsSpan(0, read);
                for (var at = window.IndexOf(HeaderMarker); at >= 0; at = NextMarker(window, at))
                {
                    var candidate = chunkStart + at - 1;
                    if (at >= 1 && at + 6 < window.Length && window[at - 1] is 0xfa or 0xf0 or 0xf1 && window[at + 6] == 8)
                    {
                        try
                        {
                            return new GoSymbolTable(elf.Source, candidate, end - candidate, textHint);
                        }
                        catch (ElfFormatException)
                        {
                            // Bytes that merely look like a header: keep scanning.
                        }
                    }
                }
            }
        }

        return null;
    }

    // The three 0xff bytes of the magic followed by the two zero pad bytes.
    private static ReadOnlySpan<byte> HeaderMarker => [0xff, 0xff, 0xff, 0x00, 0x00];

    private static int NextMarker(ReadOnlySpan<byte> window, int previous)
    {
        var next = window[(previous + 1)..].IndexOf(HeaderMarker);
        return next < 0 ? -1 : previous + 1 + next;
    }

    /// <summary>The address of the Go build ID string that starts the text, which is where runtime.text begins.</summary>
    private static ulong GoTextStart(ElfFile elf, ElfProgramHeader exec)
    {
        var probe = new byte[64 * 1024];
        var read = elf.ReadAt((long)exec.Offset, probe);
        var at = probe.AsSpan(0, read).IndexOf(GoTextMarker);
        return at < 0 ? 0 : exec.VirtualAddress + (ulong)at;
    }

    private static ReadOnlySpan<byte> GoTextMarker => [0xff, (byte)' ', (byte)'G', (byte)'o', (byte)' ', (byte)'b', (byte)'u', (byte)'i', (byte)'l', (byte)'d'];

    private static bool HasKnownMagic(ElfSource source, long offset)
    {
        Span<byte> magic = stackalloc byte[4];
        return source.ReadAtMost(offset, magic) == 4 && BinaryPrimitives.ReadUInt32LittleEndian(magic) is Magic116 or Magic118 or Magic120;
    }

    private static ulong Word(ReadOnlySpan<byte> header, int index) => BinaryPrimitives.ReadUInt64LittleEndian(header[(8 + (index * 8))..]);

    private long Offset(ulong value, string what) =>
        value < (ulong)_tableSize ? (long)value : throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{what} offset {value} lies outside the table"));

    private (ulong[] Entries, uint[] FuncOffsets) ReadFunctionTable(int count)
    {
        var fieldSize = Version == GoPclnVersion.Go116 ? 8 : 4;
        var bytes = ((long)count * 2 + 1) * fieldSize;
        if (bytes > _tableSize - _funcTable)
        {
            throw Invalid("function table runs past the end of the table");
        }

        var raw = new byte[bytes];
        _source.ReadExactly(_tableOffset + _funcTable, raw, "Go function table");
        var entries = new ulong[count + 1];
        var offsets = new uint[count];
        for (var i = 0; i <= count; i++)
        {
            entries[i] = fieldSize == 8
                ? BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 16))
                : TextStart + BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(i * 8));
            if (i > 0 && entries[i] < entries[i - 1])
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"function table is not sorted at entry {i}"));
            }

            if (i < count)
            {
                var funcOffset = fieldSize == 8
                    ? BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan((i * 16) + 8))
                    : BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan((i * 8) + 4));
                if (funcOffset >= (ulong)(_tableSize - _funcTable))
                {
                    throw Invalid(string.Create(CultureInfo.InvariantCulture, $"function {i} record offset lies outside the table"));
                }

                offsets[i] = (uint)funcOffset;
            }
        }

        return (entries, offsets);
    }

    /// <summary>A consistency check that also rejects byte patterns that only look like a header.</summary>
    private void CheckFirstAndLastFunctions()
    {
        foreach (var index in new[] { 0, FunctionCount - 1 })
        {
            var record = FuncRecord(index);
            var entry = Version == GoPclnVersion.Go116
                ? BinaryPrimitives.ReadUInt64LittleEndian(record)
                : TextStart + BinaryPrimitives.ReadUInt32LittleEndian(record);
            if (entry != _entries[index])
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"function {index} record disagrees with the function table"));
            }

            _ = ReadName(index);
        }
    }

    private int IndexOf(ulong pc)
    {
        if (pc < _entries[0] || pc >= _entries[^1])
        {
            return -1;
        }

        var index = Array.BinarySearch(_entries, 0, FunctionCount, pc);
        return index >= 0 ? index : ~index - 1;
    }

    private byte[] FuncRecord(int index) => Volatile.Read(ref _records[index]) ?? (_records[index] = ReadFuncRecord(index));

    private byte[] ReadFuncRecord(int index)
    {
        // Entry (8 bytes in 1.16, 4 later) followed by nine 32-bit fields we may read.
        var record = new byte[8 + (9 * 4)];
        var offset = _funcTable + _funcOffsets[index];
        var length = (int)Math.Min(record.Length, _tableSize - offset);
        _source.ReadExactly(_tableOffset + offset, record.AsSpan(0, length), "Go function record");
        return record;
    }

    /// <summary>The n-th 32-bit field of a function record: 1 name, 5 pcfile, 6 pcln, 8 compilation unit.</summary>
    private uint Field(byte[] record, int n) =>
        BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan((Version == GoPclnVersion.Go116 ? 8 : 4) + ((n - 1) * 4)));

    private string ReadName(int index) => ReadCString(_funcNames, Field(FuncRecord(index), 1), "function name");

    private GoFunction FunctionAt(int index, byte[] record) =>
        new(ReadCString(_funcNames, Field(record, 1), "function name"), _entries[index], _entries[index + 1]);

    private string ReadCString(long tableStart, uint offset, string what)
    {
        var start = tableStart + offset;
        if (_strings.TryGetValue(start, out var cached))
        {
            return cached;
        }

        var text = ReadCStringUncached(start, offset, what);
        if (_strings.Count >= MaxCachedStrings)
        {
            _strings.Clear();
        }

        _strings[start] = text;
        return text;
    }

    private string ReadCStringUncached(long start, uint offset, string what)
    {
        if (start >= _tableSize)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{what} offset {offset} lies outside the table"));
        }

        var buffer = new byte[(int)Math.Min(MaxNameBytes, _tableSize - start)];
        var chunk = Math.Min(256, buffer.Length);
        var filled = 0;
        while (true)
        {
            var read = _source.ReadAtMost(_tableOffset + start + filled, buffer.AsSpan(filled, Math.Min(chunk, buffer.Length - filled)));
            var terminator = buffer.AsSpan(filled, read).IndexOf((byte)0);
            if (terminator >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, filled + terminator);
            }

            filled += read;
            if (read == 0 || filled == buffer.Length)
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{what} at offset {offset} is not terminated"));
            }

            chunk = Math.Min(chunk * 4, MaxNameBytes);
        }
    }

    private uint ReadUInt32(long tableRelative, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (tableRelative < 0 || tableRelative > _tableSize - 4)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{what} entry at {tableRelative} lies outside the table"));
        }

        _source.ReadExactly(_tableOffset + tableRelative, bytes, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>
    /// Runs a pc-value table: pairs of (zig-zag value delta, pc delta / quantum) varints starting at
    /// value -1 and the function entry, until the pc passes <paramref name="targetPc"/>. -1 means no value.
    /// </summary>
    private int PcValue(uint tableOffset, ulong entry, ulong end, ulong targetPc)
    {
        if (tableOffset == 0)
        {
            return -1;
        }

        var reader = new VarintReader(_source, _tableOffset + _pcTable + tableOffset, _tableOffset + _tableSize);
        var value = -1;
        var pc = entry;
        for (var step = 0; step < MaxPcValueSteps; step++)
        {
            var valueDelta = reader.Read();
            if (valueDelta == 0 && pc != entry)
            {
                return -1;
            }

            value += (valueDelta & 1) != 0 ? (int)~(valueDelta >> 1) : (int)(valueDelta >> 1);
            pc += (ulong)reader.Read() * _quantum;
            if (targetPc < pc)
            {
                return value;
            }

            if (pc > end)
            {
                return -1;
            }
        }

        throw Invalid("pc-value table does not end");
    }

    private static ElfFormatException Invalid(string detail) => new($"Go pclntab: {detail}");

    /// <summary>Reads unsigned LEB128 varints from the file through a small buffer.</summary>
    private sealed class VarintReader(ElfSource source, long position, long limit)
    {
        // Most pc-value tables are a few hundred bytes: one read usually covers the whole table.
        private readonly byte[] _buffer = new byte[512];
        private long _bufferStart = position;
        private int _bufferLength;
        private int _index;

        public uint Read()
        {
            uint value = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = NextByte();
                value |= (uint)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Invalid("varint is too long");
        }

        private byte NextByte()
        {
            if (_index == _bufferLength)
            {
                _bufferStart += _bufferLength;
                var wanted = (int)Math.Min(_buffer.Length, limit - _bufferStart);
                _bufferLength = wanted <= 0 ? 0 : source.ReadAtMost(_bufferStart, _buffer.AsSpan(0, wanted));
                _index = 0;
                if (_bufferLength == 0)
                {
                    throw Invalid("pc-value table runs past the end of the table");
                }
            }

            return _buffer[_index++];
        }
    }
}
