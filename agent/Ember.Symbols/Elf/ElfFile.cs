using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ember.Symbols.Go;
using Microsoft.Win32.SafeHandles;

namespace Ember.Symbols.Elf;

/// <summary>
/// A 64-bit little-endian ELF object (x86-64, AArch64, ...) opened for symbolization. Headers,
/// program headers and section headers are read when the file is opened; notes, build IDs and symbol
/// tables are read on demand with bounded reads, so a huge binary is never loaded whole.
/// </summary>
/// <remarks>
/// Malformed or truncated input raises <see cref="ElfFormatException"/> (or
/// <see cref="UnsupportedElfException"/> for 32-bit and big-endian objects) and nothing else.
/// Instances are safe to use from several threads; dispose to close the file.
/// </remarks>
public sealed class ElfFile : IDisposable
{
    /// <summary>Upper bound on section headers accepted (extended numbering allows more than 65,535).</summary>
    public const int MaxSections = 1 << 18;

    /// <summary>Upper bound on program headers accepted (extended numbering allows more than 65,535).</summary>
    public const int MaxProgramHeaders = 1 << 16;

    /// <summary>Upper bound on entries read from one symbol table.</summary>
    public const int MaxSymbolsPerTable = 1 << 25;

    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const int SymbolSize = 24;
    private const int MaxStringTableBytes = 1 << 30;
    private const int MaxNoteBytes = 1 << 20;
    private const ushort ExtendedNumbering = 0xffff;

    private readonly ElfSource _source;
    private readonly Lazy<IReadOnlyList<ElfNote>> _notes;
    private readonly Lazy<string?> _gnuBuildId;
    private readonly Lazy<string?> _goBuildId;

    private ElfFile(ElfSource source)
    {
        _source = source;
        try
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            ReadIdentification(source, header);
            Type = (ElfFileType)BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
            Machine = (ElfMachine)BinaryPrimitives.ReadUInt16LittleEndian(header[18..]);
            EntryPoint = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            var sections = ReadSectionHeaders(header);
            ProgramHeaders = ReadProgramHeaders(header, sections);
            Sections = sections;
        }
        catch (OverflowException exception)
        {
            throw new ElfFormatException("ELF header: a size or offset overflows", exception);
        }

        _notes = new Lazy<IReadOnlyList<ElfNote>>(ReadNotesCore);
        _gnuBuildId = new Lazy<string?>(FindGnuBuildId);
        _goBuildId = new Lazy<string?>(() => GoBuildIdReader.Read(this));
    }

    /// <summary>Object file type: executable, shared object (also PIE executables), ...</summary>
    public ElfFileType Type { get; }

    /// <summary>Target instruction set.</summary>
    public ElfMachine Machine { get; }

    /// <summary>Entry point virtual address.</summary>
    public ulong EntryPoint { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long Length => _source.Length;

    /// <summary>Program headers in file order.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }

    /// <summary>Section headers in file order, names resolved; empty when the section table was stripped.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Notes from the note sections (or the note segments when sections are stripped).</summary>
    public IReadOnlyList<ElfNote> Notes => _notes.Value;

    /// <summary>The GNU build ID (<c>.note.gnu.build-id</c>) as lowercase hex, or null when absent.</summary>
    public string? GnuBuildId => _gnuBuildId.Value;

    /// <summary>
    /// The Go build ID (what <c>go tool buildid</c> prints), from <c>.note.go.buildid</c> or the
    /// <c>\xff Go build ID: "..."</c> string at the start of the text; null for non-Go files.
    /// </summary>
    public string? GoBuildId => _goBuildId.Value;

    internal ElfSource Source => _source;

    /// <summary>Opens an ELF file for reading.</summary>
    /// <exception cref="ElfFormatException">The file is not a usable 64-bit little-endian ELF object.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static ElfFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            FileOptions.RandomAccess);
        return Open(handle, ownsHandle: true);
    }

    /// <summary>Reads an ELF object through an open handle; the handle is disposed with the result when <paramref name="ownsHandle"/> is true.</summary>
    /// <exception cref="ElfFormatException">The file is not a usable 64-bit little-endian ELF object.</exception>
    public static ElfFile Open(SafeFileHandle handle, bool ownsHandle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var source = new FileElfSource(handle, ownsHandle);
        try
        {
            return new ElfFile(source);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads an ELF image that is already in memory (for instance a copy of the vDSO).</summary>
    /// <exception cref="ElfFormatException">The bytes are not a usable 64-bit little-endian ELF object.</exception>
    public static ElfFile FromMemory(ReadOnlyMemory<byte> image) => new(new MemoryElfSource(image));

    /// <summary>The first section with the given name, or null.</summary>
    public ElfSection? FindSection(string name)
    {
        foreach (var section in Sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Reads a section's contents (at most <paramref name="limit"/> bytes).</summary>
    /// <exception cref="ElfFormatException">The section lies outside the file or is larger than the limit.</exception>
    public byte[] ReadSectionContents(ElfSection section, long limit)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.HasFileContents
            ? _source.ReadArray(section.Offset, section.Size, limit, $"section {section.Name}")
            : [];
    }

    /// <summary>Reads bytes at a file offset; returns how many were available.</summary>
    public int ReadAt(long fileOffset, Span<byte> buffer) => _source.ReadAtMost(fileOffset, buffer);

    /// <summary>
    /// Maps an ELF virtual address to its file offset through the <c>PT_LOAD</c> segments, or null when the
    /// address is not backed by file contents.
    /// </summary>
    public ulong? FileOffsetOfAddress(ulong address)
    {
        foreach (var segment in ProgramHeaders)
        {
            if (segment.Type == ElfSegmentType.Load && address >= segment.VirtualAddress
                && address - segment.VirtualAddress < segment.FileSize)
            {
                return segment.Offset + (address - segment.VirtualAddress);
            }
        }

        return null;
    }

    /// <summary>Every entry of a symbol table section (<c>.symtab</c> or <c>.dynsym</c>), in table order.</summary>
    /// <exception cref="ElfFormatException">The table or its string table is malformed.</exception>
    public IEnumerable<ElfSymbol> ReadSymbols(ElfSection table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var strings = ReadLinkedStrings(table);
        var result = new List<ElfSymbol>();
        ForEachSymbolEntry(table, (entry, _) =>
        {
            var info = entry[4];
            result.Add(new ElfSymbol(
                ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(entry), "symbol name"),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]),
                (ElfSymbolType)(info & 0xf),
                (ElfSymbolBinding)(info >> 4),
                BinaryPrimitives.ReadUInt16LittleEndian(entry[6..])));
        });
        return result;
    }

    /// <summary>
    /// Builds the address lookup over every defined function in <c>.symtab</c> and <c>.dynsym</c>
    /// (see <see cref="ElfSymbolTable"/> for the rules on duplicates and zero sizes).
    /// </summary>
    /// <exception cref="ElfFormatException">A symbol table is malformed.</exception>
    public ElfSymbolTable ReadFunctionSymbols()
    {
        var builder = new ElfSymbolTable.Builder();
        foreach (var section in Sections)
        {
            if (section.Type is not (ElfSectionType.SymbolTable or ElfSectionType.DynamicSymbolTable))
            {
                continue;
            }

            var strings = ReadLinkedStrings(section);
            ForEachSymbolEntry(section, (entry, _) =>
            {
                var type = (ElfSymbolType)(entry[4] & 0xf);
                var sectionIndex = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
                var value = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
                if (type is not (ElfSymbolType.Function or ElfSymbolType.GnuIndirectFunction) || sectionIndex == 0 || value == 0)
                {
                    return;
                }

                var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
                var name = NameBytes(strings, nameOffset, "symbol name");
                if (name.IsEmpty)
                {
                    return;
                }

                builder.Add(value, BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]), (ElfSymbolBinding)(entry[4] >> 4), name);
            });
        }

        return builder.Build(SectionEnd);
    }

    /// <inheritdoc />
    public void Dispose() => _source.Dispose();

    private static void ReadIdentification(ElfSource source, Span<byte> header)
    {
        if (source.Length < 16 || source.ReadAtMost(0, header[..16]) < 16
            || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
        {
            throw new ElfFormatException("not an ELF file: bad magic");
        }

        if (header[4] == 1)
        {
            throw new UnsupportedElfException("32-bit ELF objects are not supported");
        }

        if (header[4] != 2)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"invalid ELF class {header[4]}"));
        }

        if (header[5] == 2)
        {
            throw new UnsupportedElfException("big-endian ELF objects are not supported");
        }

        if (header[5] != 1)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"invalid ELF data encoding {header[5]}"));
        }

        source.ReadExactly(0, header, "ELF header");
    }

    private List<ElfSection> ReadSectionHeaders(ReadOnlySpan<byte> header)
    {
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[58..]);
        ulong count = BinaryPrimitives.ReadUInt16LittleEndian(header[60..]);
        uint nameIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[62..]);
        if (offset == 0)
        {
            return [];
        }

        if (entrySize != SectionHeaderSize)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"section header size {entrySize}, expected {SectionHeaderSize}"));
        }

        Span<byte> entry = stackalloc byte[SectionHeaderSize];
        _source.ReadExactly(checked((long)offset), entry, "section header 0");
        if (count == 0)
        {
            // Extended numbering: the real count is in section 0's sh_size.
            count = BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
        }

        if (nameIndex == ExtendedNumbering)
        {
            nameIndex = BinaryPrimitives.ReadUInt32LittleEndian(entry[40..]);
        }

        if (count > MaxSections)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{count} section headers exceed the limit of {MaxSections}"));
        }

        _source.CheckRange(offset, count * SectionHeaderSize, "section header table");
        var table = new byte[(int)count * SectionHeaderSize];
        _source.ReadExactly((long)offset, table, "section header table");

        var raw = new (uint Name, ElfSectionType Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize)[(int)count];
        for (var i = 0; i < raw.Length; i++)
        {
            var e = table.AsSpan(i * SectionHeaderSize, SectionHeaderSize);
            raw[i] = (BinaryPrimitives.ReadUInt32LittleEndian(e),
                (ElfSectionType)BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[44..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[56..]));
        }

        byte[] names = [];
        if (nameIndex != 0)
        {
            if (nameIndex >= count)
            {
                throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"section name table index {nameIndex} is out of range ({count} sections)"));
            }

            var nameTable = raw[nameIndex];
            if (nameTable.Type != ElfSectionType.NoBits)
            {
                names = _source.ReadArray(nameTable.Offset, nameTable.Size, MaxStringTableBytes, "section name table");
            }
        }

        var sections = new List<ElfSection>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var r = raw[i];
            var name = names.Length == 0 ? string.Empty : ReadString(names, r.Name, "section name");
            sections.Add(new ElfSection(i, name, r.Type, r.Flags, r.Address, r.Offset, r.Size, r.Link, r.Info, r.EntrySize));
        }

        return sections;
    }

    private List<ElfProgramHeader> ReadProgramHeaders(ReadOnlySpan<byte> header, List<ElfSection> sections)
    {
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[54..]);
        ulong count = BinaryPrimitives.ReadUInt16LittleEndian(header[56..]);
        if (count == ExtendedNumbering)
        {
            // Extended numbering: the real count is in section 0's sh_info.
            count = sections.Count > 0 ? sections[0].Info : throw new ElfFormatException("program header count uses extended numbering but there is no section 0");
        }

        if (count == 0 || offset == 0)
        {
            return [];
        }

        if (count > MaxProgramHeaders)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{count} program headers exceed the limit of {MaxProgramHeaders}"));
        }

        if (entrySize != ProgramHeaderSize)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"program header size {entrySize}, expected {ProgramHeaderSize}"));
        }

        _source.CheckRange(offset, count * ProgramHeaderSize, "program header table");
        var table = new byte[(int)count * ProgramHeaderSize];
        _source.ReadExactly((long)offset, table, "program header table");
        var result = new List<ElfProgramHeader>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            var e = table.AsSpan(i * ProgramHeaderSize, ProgramHeaderSize);
            result.Add(new ElfProgramHeader(
                (ElfSegmentType)BinaryPrimitives.ReadUInt32LittleEndian(e),
                (ElfSegmentFlags)BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[32..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[40..]),
                BinaryPrimitives.ReadUInt64LittleEndian(e[48..])));
        }

        return result;
    }

    private List<ElfNote> ReadNotesCore()
    {
        var notes = new List<ElfNote>();
        var fromSections = false;
        foreach (var section in Sections)
        {
            if (section.Type == ElfSectionType.Note)
            {
                fromSections = true;
                ParseNotes(section.Offset, section.Size, section.Name, notes);
            }
        }

        if (!fromSections)
        {
            foreach (var segment in ProgramHeaders)
            {
                if (segment.Type == ElfSegmentType.Note)
                {
                    ParseNotes(segment.Offset, segment.FileSize, "PT_NOTE segment", notes);
                }
            }
        }

        return notes;
    }

    private void ParseNotes(ulong offset, ulong size, string where, List<ElfNote> notes) =>
        notes.AddRange(ParseNoteBytes(_source.ReadArray(offset, size, MaxNoteBytes, where), where));

    /// <summary>Parses a sequence of notes (4-byte aligned name and descriptor), as in a note section or <c>/sys/kernel/notes</c>.</summary>
    /// <exception cref="ElfFormatException">A note runs past the end of the bytes.</exception>
    internal static List<ElfNote> ParseNoteBytes(byte[] bytes, string where)
    {
        var notes = new List<ElfNote>();
        var position = 0;
        while (bytes.Length - position >= 12)
        {
            var nameSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position));
            var descriptorSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 4));
            var type = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 8));
            var nameStart = (long)position + 12;
            var descriptorStart = nameStart + Align4(nameSize);
            var end = descriptorStart + Align4(descriptorSize);
            if (descriptorStart + descriptorSize > bytes.Length)
            {
                throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{where}: note at offset {position} runs past the end"));
            }

            var name = Encoding.UTF8.GetString(bytes, (int)nameStart, (int)nameSize).TrimEnd('\0');
            notes.Add(new ElfNote(name, type, bytes.AsMemory((int)descriptorStart, (int)descriptorSize)));
            if (end > bytes.Length)
            {
                break;
            }

            position = (int)end;
        }

        return notes;
    }

    private static long Align4(uint value) => ((long)value + 3) & ~3L;

    private string? FindGnuBuildId()
    {
        foreach (var note in Notes)
        {
            if (note.Name == "GNU" && note.Type == ElfNote.GnuBuildIdType && note.Descriptor.Length > 0)
            {
                return Convert.ToHexStringLower(note.Descriptor.Span);
            }
        }

        return null;
    }

    private byte[] ReadLinkedStrings(ElfSection table)
    {
        if (table.Link >= Sections.Count)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: string table index {table.Link} is out of range"));
        }

        var strings = Sections[(int)table.Link];
        if (strings.Type != ElfSectionType.StringTable)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: linked section {strings.Name} is not a string table"));
        }

        return _source.ReadArray(strings.Offset, strings.Size, MaxStringTableBytes, $"string table {strings.Name}");
    }

    private delegate void SymbolEntryAction(ReadOnlySpan<byte> entry, int index);

    private void ForEachSymbolEntry(ElfSection table, SymbolEntryAction action)
    {
        if (table.EntrySize != SymbolSize)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: symbol entry size {table.EntrySize}, expected {SymbolSize}"));
        }

        if (table.Type == ElfSectionType.NoBits)
        {
            return;
        }

        var count = table.Size / SymbolSize;
        if (count > MaxSymbolsPerTable)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: {count} symbols exceed the limit of {MaxSymbolsPerTable}"));
        }

        _source.CheckRange(table.Offset, count * SymbolSize, table.Name);
        const int ChunkEntries = 4096;
        var chunk = new byte[ChunkEntries * SymbolSize];
        for (ulong first = 0; first < count; first += ChunkEntries)
        {
            var entries = (int)Math.Min(ChunkEntries, count - first);
            var span = chunk.AsSpan(0, entries * SymbolSize);
            _source.ReadExactly((long)(table.Offset + (first * SymbolSize)), span, table.Name);
            for (var i = 0; i < entries; i++)
            {
                action(span.Slice(i * SymbolSize, SymbolSize), (int)first + i);
            }
        }
    }

    private ulong SectionEnd(ulong address)
    {
        foreach (var section in Sections)
        {
            if (section.Address != 0 && address >= section.Address && address - section.Address < section.Size)
            {
                return section.Address + section.Size;
            }
        }

        return ulong.MaxValue;
    }

    internal static ReadOnlySpan<byte> NameBytes(byte[] strings, uint offset, string what)
    {
        if (offset >= strings.Length)
        {
            if (offset == 0 && strings.Length == 0)
            {
                return [];
            }

            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{what}: offset {offset} is outside its string table ({strings.Length} bytes)"));
        }

        var tail = strings.AsSpan((int)offset);
        var end = tail.IndexOf((byte)0);
        if (end < 0)
        {
            throw new ElfFormatException(string.Create(CultureInfo.InvariantCulture, $"{what}: string at offset {offset} is not terminated"));
        }

        return tail[..end];
    }

    private static string ReadString(byte[] strings, uint offset, string what) =>
        Encoding.UTF8.GetString(NameBytes(strings, offset, what));
}
