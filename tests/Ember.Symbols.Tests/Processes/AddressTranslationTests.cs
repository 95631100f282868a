using Ember.Symbols.Elf;
using Ember.Symbols.Processes;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Processes;

/// <summary>
/// Runtime ⇄ ELF address translation on real processes: each fixture prints the runtime address of
/// its functions; translating through /proc/PID/maps and the program headers must land on the
/// function's symbol, for PIE and fixed-address executables and for a shared object.
/// </summary>
public sealed class AddressTranslationTests
{
    public static TheoryData<string> Executables => new(NativeFixtures.Variants.Where(v => !v.StartsWith("lib", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Executables))]
    public void Printed_function_addresses_translate_to_their_symbols(string variant)
    {
        using var process = new FixtureProcess(NativeFixtures.Binaries[variant]);
        var mappings = ProcMapsParser.Read(process.Pid);

        foreach (var (name, runtimeAddress) in process.PrintedAddresses)
        {
            var mapping = mappings.Single(m => m.Contains(runtimeAddress));
            Assert.Equal(MappingKind.File, mapping.Kind);
            using var elf = ElfFile.Open($"/proc/{process.Pid}/root{mapping.Path}");

            var elfAddress = AddressTranslator.ToElfAddress(mapping, elf.ProgramHeaders, runtimeAddress);

            Assert.NotNull(elfAddress);
            var symbol = elf.ReadFunctionSymbols().Lookup(elfAddress.Value + 3);
            Assert.Equal(name, symbol?.Name);
            Assert.Equal(elfAddress, symbol?.Start);
            Assert.Equal(runtimeAddress, AddressTranslator.ToRuntimeAddress(mapping, elf.ProgramHeaders, elfAddress.Value));
            if (variant.Contains("nopie", StringComparison.Ordinal) && name != "shared_helper")
            {
                Assert.Equal(runtimeAddress, elfAddress);
            }
        }
    }

    [Fact]
    public void Addresses_outside_the_mapping_or_any_loadable_segment_have_no_translation()
    {
        var mapping = new ProcessMapping(0x7000_0000, 0x7000_2000, MappingPermissions.Read | MappingPermissions.Execute, 0x1000, 0, 0, 1, "/x", false);
        ElfProgramHeader[] headers =
        [
            new(ElfSegmentType.Load, ElfSegmentFlags.Read, 0, 0, 0x800, 0x800, 0x1000),
            new(ElfSegmentType.Load, ElfSegmentFlags.Read | ElfSegmentFlags.Execute, 0x1000, 0x401000, 0x1500, 0x1500, 0x1000),
        ];

        Assert.Equal(0x401010UL, AddressTranslator.ToElfAddress(mapping, headers, 0x7000_0010));
        Assert.Null(AddressTranslator.ToElfAddress(mapping, headers, 0x6fff_ffff));
        Assert.Null(AddressTranslator.ToElfAddress(mapping, headers, 0x7000_2000));
        Assert.Equal(0x7000_0010UL, AddressTranslator.ToRuntimeAddress(mapping, headers, 0x401010));
        Assert.Null(AddressTranslator.ToRuntimeAddress(mapping, headers, 0x500000));
    }
}
