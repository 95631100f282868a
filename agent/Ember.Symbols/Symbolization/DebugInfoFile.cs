using Ember.Symbols.Demangling;
using Ember.Symbols.Dwarf;
using Ember.Symbols.Elf;
using Ember.Symbols.Processes;

namespace Ember.Symbols.Symbolization;

/// <summary>
/// The debug information of one binary, from the binary itself or from its separate debug file
/// (<c>objcopy --only-keep-debug</c>, a distribution's <c>-dbg</c> package, a debuginfod server):
/// function names from its symbol table and <c>file:line</c> from <c>.debug_line</c>, both read when
/// the file is opened. A file without line tables still names functions.
/// </summary>
public sealed class DebugInfoFile
{
    /// <summary>Bytes of one debug section read at most, after inflating.</summary>
    public const long MaxSectionBytes = 512L << 20;

    private const ulong PageSize = 4096;

    private readonly ElfSymbolTable _symbols;
    private readonly DwarfLineTable? _lines;

    private DebugInfoFile(string? gnuBuildId, IReadOnlyList<ElfProgramHeader> programHeaders, ElfSymbolTable symbols, DwarfLineTable? lines)
    {
        GnuBuildId = gnuBuildId;
        ProgramHeaders = programHeaders;
        _symbols = symbols;
        _lines = lines;
    }

    /// <summary>The file's GNU build ID, lower-case hex, or null.</summary>
    public string? GnuBuildId { get; }

    /// <summary>The binary's loadable segments (a separate debug file keeps the binary's), for address translation.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders { get; }

    /// <summary>Whether the file has line tables.</summary>
    public bool HasLines => _lines is not null;

    /// <summary>Reads the debug information of the ELF file at <paramref name="path"/>.</summary>
    /// <exception cref="ElfFormatException">The file is no ELF file or its symbol table is malformed.</exception>
    /// <exception cref="DwarfFormatException">Its line tables are malformed or beyond the limits.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static DebugInfoFile Open(string path)
    {
        using var elf = ElfFile.Open(path);
        return Read(elf);
    }

    /// <summary>Reads the debug information of an open ELF file.</summary>
    /// <exception cref="ElfFormatException">The file's symbol table or a debug section is malformed.</exception>
    /// <exception cref="DwarfFormatException">Its line tables are malformed or beyond the limits.</exception>
    public static DebugInfoFile Read(ElfFile elf)
    {
        ArgumentNullException.ThrowIfNull(elf);
        var symbols = elf.ReadFunctionSymbols();
        DwarfLineTable? lines = null;
        if (elf.FindSection(".debug_line") is { HasFileContents: true } debugLine)
        {
            lines = DwarfLineTable.Parse(Contents(elf, debugLine), Contents(elf, elf.FindSection(".debug_line_str")), Contents(elf, elf.FindSection(".debug_str")));
        }

        return new DebugInfoFile(elf.GnuBuildId, [.. elf.ProgramHeaders], symbols, lines);
    }

    /// <summary>
    /// The ELF virtual address of a runtime address in a profile's (executable) mapping, or null. A
    /// separate debug file keeps its segments' addresses but not their file offsets (0, with no file
    /// size), so there the mapping is taken to begin at the first page of the executable segment, as
    /// the loader maps it; the address must then fall in that segment.
    /// </summary>
    public ulong? ToElfAddress(ulong mappingStart, ulong mappingFileOffset, ulong runtimeAddress)
    {
        var text = ProgramHeaders.FirstOrDefault(h => h.Type == ElfSegmentType.Load && (h.Flags & ElfSegmentFlags.Execute) != 0);
        if (text is null || text.FileSize > 0 || runtimeAddress < mappingStart)
        {
            return AddressTranslator.ToElfAddress(mappingStart, mappingFileOffset, executable: true, ProgramHeaders, runtimeAddress);
        }

        var address = runtimeAddress - mappingStart + (text.VirtualAddress & ~(PageSize - 1));
        return address >= text.VirtualAddress && address - text.VirtualAddress < text.MemorySize ? address : null;
    }

    /// <summary>The function and source line at ELF virtual address <paramref name="address"/>, or null when the file names nothing there.</summary>
    public SymbolizedFrame? Resolve(ulong address)
    {
        if (_symbols.Lookup(address) is not { } symbol)
        {
            return null;
        }

        var line = _lines?.Lookup(address);
        return new SymbolizedFrame(Demangler.Demangle(symbol.Name), symbol.Name, line?.File, line?.Line);
    }

    private static byte[] Contents(ElfFile elf, ElfSection? section) =>
        section is { HasFileContents: true } ? ElfSectionContents.Read(elf, section, MaxSectionBytes) : [];
}
