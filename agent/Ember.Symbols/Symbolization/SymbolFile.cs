using System.Collections.Concurrent;
using Ember.Symbols.Demangling;
using Ember.Symbols.Elf;
using Ember.Symbols.Go;
using Ember.Symbols.Identity;
using Ember.Symbols.Processes;
using Microsoft.Win32.SafeHandles;

namespace Ember.Symbols.Symbolization;

/// <summary>
/// One binary prepared for symbolization: build IDs read when it is opened, symbol tables and the Go
/// pclntab parsed on first use, and resolved addresses remembered. Files that are not ELF (or are
/// malformed) keep their htlhash and name nothing.
/// </summary>
internal sealed class SymbolFile : IDisposable
{
    private const int MaxRememberedAddresses = 1 << 16;

    private readonly ElfFile? _elf;
    private readonly bool _demangle;
    private readonly Lazy<ElfSymbolTable> _symbols;
    private readonly Lazy<GoSymbolTable?> _go;
    private readonly ConcurrentDictionary<ulong, (FrameKind Kind, SymbolizedFrame Frame)> _resolved = new();

    private SymbolFile(ElfFile? elf, BinaryBuildIds buildIds, bool demangle)
    {
        _elf = elf;
        _demangle = demangle;
        BuildIds = buildIds;
        _symbols = new Lazy<ElfSymbolTable>(() => Parse(() => elf?.ReadFunctionSymbols() ?? ElfSymbolTable.Empty, ElfSymbolTable.Empty));
        _go = new Lazy<GoSymbolTable?>(() => Parse(() => elf is null ? null : GoSymbolTable.TryLoad(elf), null));
    }

    /// <summary>GNU, Go and htlhash build IDs.</summary>
    public BinaryBuildIds BuildIds { get; }

    /// <summary>Program headers, for address translation; empty for non-ELF files.</summary>
    public IReadOnlyList<ElfProgramHeader> ProgramHeaders => _elf?.ProgramHeaders ?? [];

    /// <summary>Takes ownership of an open file, computing its htlhash and, for ELF files, its build IDs.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SymbolFile Open(SafeFileHandle handle, bool demangle)
    {
        try
        {
            var htlHash = HtlHash.Compute(handle);
            ElfFile? elf = null;
            try
            {
                elf = ElfFile.Open(handle, ownsHandle: true);
            }
            catch (ElfFormatException)
            {
                handle.Dispose();
            }

            var buildIds = elf is null ? new BinaryBuildIds(null, null, htlHash) : new BinaryBuildIds(SafeRead(() => elf.GnuBuildId), SafeRead(() => elf.GoBuildId), htlHash);
            return new SymbolFile(elf, buildIds, demangle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>An in-memory image (the vDSO), identified by its htlhash.</summary>
    public static SymbolFile FromImage(byte[] image, bool demangle)
    {
        ElfFile? elf = null;
        try
        {
            elf = ElfFile.FromMemory(image);
        }
        catch (ElfFormatException)
        {
        }

        return new SymbolFile(elf, new BinaryBuildIds(elf is null ? null : SafeRead(() => elf.GnuBuildId), null, HtlHash.Compute(image)), demangle);
    }

    /// <summary>The ELF virtual address of a runtime address in <paramref name="mapping"/>, or null.</summary>
    public ulong? Normalize(ProcessMapping mapping, ulong address) =>
        _elf is null ? null : AddressTranslator.ToElfAddress(mapping, _elf.ProgramHeaders, address);

    /// <summary>Names the code at ELF virtual address <paramref name="address"/>: Go pclntab first, then the ELF symbol tables.</summary>
    public (FrameKind Kind, SymbolizedFrame Frame) Resolve(ulong address)
    {
        if (_resolved.TryGetValue(address, out var known))
        {
            return known;
        }

        var result = ResolveUncached(address);
        if (_resolved.Count >= MaxRememberedAddresses)
        {
            _resolved.Clear();
        }

        _resolved[address] = result;
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _elf?.Dispose();

    private (FrameKind Kind, SymbolizedFrame Frame) ResolveUncached(ulong address)
    {
        var go = _go.Value;
        if (go is not null)
        {
            try
            {
                if (go.Resolve(address) is { } location)
                {
                    return (FrameKind.Go, new SymbolizedFrame(location.Function.Name, location.Function.Name, location.File, location.Line));
                }
            }
            catch (ElfFormatException)
            {
                // A damaged record names nothing; the symbol tables may still.
            }
        }

        if (_symbols.Value.Lookup(address) is { } symbol)
        {
            var display = _demangle ? Demangler.Demangle(symbol.Name) : symbol.Name;
            return (go is null ? FrameKind.Native : FrameKind.Go, new SymbolizedFrame(display, symbol.Name, null, null));
        }

        return (go is null ? FrameKind.Native : FrameKind.Go, SymbolizedFrame.Unknown);
    }

    private static TResult Parse<TResult>(Func<TResult> parse, TResult fallback)
    {
        try
        {
            return parse();
        }
        catch (ElfFormatException)
        {
            return fallback;
        }
    }

    private static string? SafeRead(Func<string?> read) => Parse(read, null);
}
