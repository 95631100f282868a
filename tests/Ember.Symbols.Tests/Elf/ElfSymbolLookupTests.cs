using Ember.Symbols.Elf;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Elf;

/// <summary>Symbol-table lookups checked against llvm-symbolizer and addr2line on freshly compiled fixtures and system libraries.</summary>
public sealed class ElfSymbolLookupTests
{
    public static TheoryData<string> Variants => new(NativeFixtures.Variants);

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_byte_of_text_resolves_to_the_function_llvm_symbolizer_names(string variant)
    {
        var binary = NativeFixtures.Binaries[variant];
        using var elf = ElfFile.Open(binary);
        var symbols = elf.ReadFunctionSymbols();
        var text = elf.FindSection(".text") ?? throw new InvalidOperationException("fixture has no .text");
        var addresses = Enumerable.Range(0, (int)text.Size).Select(i => text.Address + (ulong)i).ToList();

        var expected = SymbolizerPeers.LlvmSymbolizer(binary, addresses);
        var aliases = SymbolizerPeers.Aliases(binary);

        var named = 0;
        for (var i = 0; i < addresses.Count; i++)
        {
            var actual = symbols.Lookup(addresses[i]);
            var agrees = expected[i].Name == actual?.Name
                || (actual is { } a && expected[i].Start == a.Start && aliases[a.Start].Contains(expected[i].Name) && aliases[a.Start].Contains(a.Name));
            Assert.True(agrees, $"{variant} 0x{addresses[i]:x}: llvm-symbolizer says {expected[i].Name ?? "??"}, we say {actual?.Name ?? "??"}");
            if (actual is { } found)
            {
                Assert.Equal(expected[i].Start, found.Start);
                named++;
            }
        }

        // Stripped objects keep only exported functions; everything else must be fully covered.
        var minimum = variant.Contains("stripped", StringComparison.Ordinal) ? addresses.Count / 10 : addresses.Count * 9 / 10;
        Assert.True(named > minimum, $"only {named} of {addresses.Count} text bytes were named");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Starts_middles_and_last_bytes_of_functions_match_addr2line(string variant)
    {
        var binary = NativeFixtures.Binaries[variant];
        using var elf = ElfFile.Open(binary);
        var symbols = elf.ReadFunctionSymbols();
        var text = elf.FindSection(".text")!;
        var addresses = new List<ulong>();
        foreach (var (address, size, kind, _) in SymbolizerPeers.Nm(binary, dynamic: variant.Contains("stripped", StringComparison.Ordinal)))
        {
            if (char.ToLowerInvariant(kind) is 't' or 'w' && size is > 0 and var s && address >= text.Address && address < text.Address + text.Size)
            {
                addresses.AddRange(new[] { address, address + 1, address + (s / 2), address + s - 1 }.Where(a => a < address + s).Distinct());
            }
        }

        Assert.NotEmpty(addresses);
        var expected = SymbolizerPeers.Addr2Line(binary, addresses);
        for (var i = 0; i < addresses.Count; i++)
        {
            Assert.True(expected[i] == symbols.Lookup(addresses[i])?.Name,
                $"{variant} 0x{addresses[i]:x}: addr2line says {expected[i] ?? "??"}, we say {symbols.Lookup(addresses[i])?.Name ?? "??"}");
        }
    }

    [Fact]
    public void A_weak_alias_at_the_same_address_yields_the_global_name()
    {
        var binary = NativeFixtures.Binaries["gcc-pie-O2"];
        using var elf = ElfFile.Open(binary);
        var all = elf.ReadSymbols(elf.FindSection(".symtab")!).ToList();
        var target = all.Single(s => s.Name == "aliased_target");
        var alias = all.Single(s => s.Name == "weak_alias");
        Assert.Equal(target.Value, alias.Value);
        Assert.Equal(ElfSymbolBinding.Weak, alias.Binding);

        Assert.Equal("aliased_target", elf.ReadFunctionSymbols().Lookup(target.Value + 1)?.Name);
    }

    [Fact]
    public void Stripped_shared_object_names_exported_functions_from_dynsym_and_nothing_for_static_ones()
    {
        var full = NativeFixtures.Binaries["libshared.so"];
        using var fullElf = ElfFile.Open(full);
        var helper = fullElf.ReadSymbols(fullElf.FindSection(".symtab")!).Single(s => s.Name == "shared_helper");
        var work = fullElf.ReadSymbols(fullElf.FindSection(".dynsym")!).Single(s => s.Name == "shared_work");

        using var stripped = ElfFile.Open(NativeFixtures.Binaries["libshared-stripped.so"]);
        Assert.Null(stripped.FindSection(".symtab"));
        var symbols = stripped.ReadFunctionSymbols();
        Assert.Equal("shared_work", symbols.Lookup(work.Value + 2)?.Name);
        Assert.Null(symbols.Lookup(helper.Value + 2));
        Assert.Equal("shared_helper", fullElf.ReadFunctionSymbols().Lookup(helper.Value + 2)?.Name);
    }

    [Fact]
    public void Symbol_table_entries_match_nm_name_for_name()
    {
        var binary = NativeFixtures.Binaries["clang-pie-O2"];
        using var elf = ElfFile.Open(binary);
        var ours = elf.ReadSymbols(elf.FindSection(".symtab")!)
            .Where(s => s.SectionIndex != 0 && s.Type is not (ElfSymbolType.Section or ElfSymbolType.File) && s.Name.Length > 0)
            .Select(s => $"{s.Value:x16} {s.Name}")
            .Order(StringComparer.Ordinal);
        var nm = SymbolizerPeers.Nm(binary, dynamic: false)
            .Select(s => $"{s.Address:x16} {s.Name}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(nm, ours);
    }

    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libstdc++.so.6")]
    [InlineData("/usr/lib/x86_64-linux-gnu/libm.so.6")]
    public void Exported_functions_of_system_libraries_resolve_like_llvm_symbolizer_up_to_aliases(string library)
    {
        using var elf = ElfFile.Open(library);
        var symbols = elf.ReadFunctionSymbols();
        var exported = SymbolizerPeers.Nm(library, dynamic: true)
            .Where(s => s.Kind is 'T' or 'W' or 'i' && s.Size is > 0)
            .ToList();
        Assert.True(exported.Count > 100, $"{library} exports only {exported.Count} functions");
        var aliases = exported.GroupBy(s => s.Address).ToDictionary(g => g.Key, g => g.Select(s => s.Name).ToHashSet());
        var addresses = exported.SelectMany(s => new[] { s.Address, s.Address + (s.Size!.Value / 2) }).Distinct().ToList();

        var expected = SymbolizerPeers.LlvmSymbolizer(library, addresses);
        for (var i = 0; i < addresses.Count; i++)
        {
            var actual = symbols.Lookup(addresses[i]);
            Assert.True(actual is not null, $"{library} 0x{addresses[i]:x}: no symbol, llvm-symbolizer says {expected[i].Name}");
            Assert.Equal(expected[i].Start, actual.Value.Start);
            Assert.Contains(actual.Value.Name, aliases[actual.Value.Start]);
        }
    }
}
