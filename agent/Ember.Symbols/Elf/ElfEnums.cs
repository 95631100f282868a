namespace Ember.Symbols.Elf;

/// <summary>ELF object file type (<c>e_type</c>).</summary>
public enum ElfFileType : ushort
{
    /// <summary>No file type.</summary>
    None = 0,

    /// <summary>Relocatable object (<c>.o</c>).</summary>
    Relocatable = 1,

    /// <summary>Executable linked at fixed addresses (non-PIE).</summary>
    Executable = 2,

    /// <summary>Shared object or position-independent executable.</summary>
    SharedObject = 3,

    /// <summary>Core dump.</summary>
    Core = 4,
}

/// <summary>Target instruction set (<c>e_machine</c>); only the values the agent runs on are named.</summary>
public enum ElfMachine : ushort
{
    /// <summary>No machine.</summary>
    None = 0,

    /// <summary>AMD x86-64.</summary>
    X64 = 62,

    /// <summary>ARM 64-bit (AArch64).</summary>
    AArch64 = 183,
}

/// <summary>Program header (segment) type (<c>p_type</c>).</summary>
public enum ElfSegmentType : uint
{
    /// <summary>Unused entry.</summary>
    Null = 0,

    /// <summary>Loadable segment.</summary>
    Load = 1,

    /// <summary>Dynamic linking information.</summary>
    Dynamic = 2,

    /// <summary>Program interpreter path.</summary>
    Interpreter = 3,

    /// <summary>Auxiliary notes (build IDs).</summary>
    Note = 4,

    /// <summary>The program header table itself.</summary>
    ProgramHeaders = 6,

    /// <summary>Thread-local storage template.</summary>
    ThreadLocalStorage = 7,

    /// <summary>GNU <c>.eh_frame_hdr</c>.</summary>
    GnuEhFrame = 0x6474e550,

    /// <summary>GNU stack executability.</summary>
    GnuStack = 0x6474e551,

    /// <summary>GNU read-only after relocation.</summary>
    GnuRelro = 0x6474e552,

    /// <summary>GNU property notes.</summary>
    GnuProperty = 0x6474e553,
}

/// <summary>Segment permissions (<c>p_flags</c>).</summary>
[Flags]
public enum ElfSegmentFlags : uint
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>Executable.</summary>
    Execute = 1,

    /// <summary>Writable.</summary>
    Write = 2,

    /// <summary>Readable.</summary>
    Read = 4,
}

/// <summary>Section type (<c>sh_type</c>); only the values the symbolizer uses are named.</summary>
public enum ElfSectionType : uint
{
    /// <summary>Inactive section header.</summary>
    Null = 0,

    /// <summary>Program-defined contents.</summary>
    ProgramBits = 1,

    /// <summary>Full symbol table.</summary>
    SymbolTable = 2,

    /// <summary>String table.</summary>
    StringTable = 3,

    /// <summary>Relocations with addends.</summary>
    RelocationsWithAddends = 4,

    /// <summary>Symbol hash table.</summary>
    Hash = 5,

    /// <summary>Dynamic linking information.</summary>
    Dynamic = 6,

    /// <summary>Notes.</summary>
    Note = 7,

    /// <summary>Occupies no file space (<c>.bss</c>).</summary>
    NoBits = 8,

    /// <summary>Relocations without addends.</summary>
    Relocations = 9,

    /// <summary>Dynamic linking symbol table.</summary>
    DynamicSymbolTable = 11,
}

/// <summary>Symbol type (low nibble of <c>st_info</c>).</summary>
public enum ElfSymbolType : byte
{
    /// <summary>Unspecified.</summary>
    NoType = 0,

    /// <summary>Data object.</summary>
    Object = 1,

    /// <summary>Function or other code.</summary>
    Function = 2,

    /// <summary>Section.</summary>
    Section = 3,

    /// <summary>Source file name.</summary>
    File = 4,

    /// <summary>Common data object.</summary>
    Common = 5,

    /// <summary>Thread-local data object.</summary>
    ThreadLocal = 6,

    /// <summary>GNU indirect function (resolved at load time; still code).</summary>
    GnuIndirectFunction = 10,
}

/// <summary>Symbol binding (high nibble of <c>st_info</c>).</summary>
public enum ElfSymbolBinding : byte
{
    /// <summary>Visible only inside its object file.</summary>
    Local = 0,

    /// <summary>Visible to all objects.</summary>
    Global = 1,

    /// <summary>Global with lower precedence.</summary>
    Weak = 2,

    /// <summary>GNU unique global.</summary>
    GnuUnique = 10,
}
