using Ember.Symbols.Elf;
using Ember.Symbols.Go;
using Ember.Symbols.Identity;

namespace Ember.Agent.Symbolization;

/// <summary>
/// What one binary contributes to symbolization: its program headers (for address translation),
/// function symbols, Go pclntab when it is a Go binary, and its build IDs. The ELF file stays open
/// because the Go table is read lazily from it.
/// </summary>
internal sealed class BinarySymbols : IDisposable
{
    private readonly ElfFile? _elf;

    private BinarySymbols(ElfFile? elf, ElfSymbolTable functions, GoSymbolTable? go, BinaryBuildIds buildIds)
    {
        _elf = elf;
        Functions = functions;
        Go = go;
        BuildIds = buildIds;
    }

    /// <summary>A binary that could not be read: frames keep their addresses only.</summary>
    public static BinarySymbols Unreadable { get; } = new(null, ElfSymbolTable.Empty, null, BinaryBuildIds.None);

    public IReadOnlyList<ElfProgramHeader> ProgramHeaders => _elf?.ProgramHeaders ?? [];

    public ElfSymbolTable Functions { get; }

    public GoSymbolTable? Go { get; }

    public BinaryBuildIds BuildIds { get; }

    /// <summary>Opens and indexes a binary; an unreadable or non-ELF file gives <see cref="Unreadable"/>.</summary>
    public static BinarySymbols Load(string path)
    {
        ElfFile? elf = null;
        try
        {
            elf = ElfFile.Open(path);
            var go = GoSymbolTable.TryLoad(elf);
            var functions = elf.ReadFunctionSymbols();
            var buildIds = new BinaryBuildIds(elf.GnuBuildId, elf.GoBuildId, HtlHash.Compute(path));
            return new BinarySymbols(elf, functions, go, buildIds);
        }
        catch (Exception ex) when (ex is ElfFormatException or IOException or UnauthorizedAccessException)
        {
            elf?.Dispose();
            return Unreadable;
        }
    }

    public void Dispose() => _elf?.Dispose();
}
