namespace Ember.Symbols.Elf;

/// <summary>One section header, with its name resolved from the section name table.</summary>
/// <param name="Index">Position in the section header table.</param>
/// <param name="Name">Name such as <c>.text</c>; empty when the name table is missing.</param>
/// <param name="Type">Section type.</param>
/// <param name="Flags">Raw <c>sh_flags</c>.</param>
/// <param name="Address">Virtual address when the section is loaded, else 0.</param>
/// <param name="Offset">File offset of the contents.</param>
/// <param name="Size">Size of the contents (no file bytes for <see cref="ElfSectionType.NoBits"/>).</param>
/// <param name="Link">Index of a related section (a symbol table's string table).</param>
/// <param name="Info">Extra type-dependent information.</param>
/// <param name="EntrySize">Size of one table entry, for tables.</param>
public sealed record ElfSection(
    int Index,
    string Name,
    ElfSectionType Type,
    ulong Flags,
    ulong Address,
    ulong Offset,
    ulong Size,
    uint Link,
    uint Info,
    ulong EntrySize)
{
    /// <summary>True when the section occupies bytes in the file.</summary>
    public bool HasFileContents => Type != ElfSectionType.NoBits && Type != ElfSectionType.Null;
}
