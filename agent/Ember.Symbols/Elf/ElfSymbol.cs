namespace Ember.Symbols.Elf;

/// <summary>One entry of <c>.symtab</c> or <c>.dynsym</c>.</summary>
/// <param name="Name">Symbol name (mangled as stored, without version suffix).</param>
/// <param name="Value">Symbol value: a virtual address for executables and shared objects.</param>
/// <param name="Size">Size in bytes; 0 when the producer did not record one.</param>
/// <param name="Type">Symbol type.</param>
/// <param name="Binding">Symbol binding.</param>
/// <param name="SectionIndex">Index of the defining section; 0 for undefined symbols.</param>
public sealed record ElfSymbol(
    string Name,
    ulong Value,
    ulong Size,
    ElfSymbolType Type,
    ElfSymbolBinding Binding,
    ushort SectionIndex)
{
    /// <summary>True for defined code symbols (functions and GNU indirect functions).</summary>
    public bool IsDefinedFunction =>
        (Type == ElfSymbolType.Function || Type == ElfSymbolType.GnuIndirectFunction) && SectionIndex != 0 && Value != 0;
}
