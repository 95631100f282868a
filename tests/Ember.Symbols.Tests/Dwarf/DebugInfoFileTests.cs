using System.Globalization;
using Ember.Symbols.Dwarf;
using Ember.Symbols.Symbolization;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Dwarf;

/// <summary>
/// Names and lines from debug information against binutils: a <c>-g</c> build of the C fixture, its
/// separate debug file (<c>objcopy --only-keep-debug</c>, and a zlib-compressed one), and the stripped
/// binary that runs; every function symbol and addresses inside them are named as <c>nm</c> and
/// <c>addr2line</c> name them.
/// </summary>
public sealed class DebugInfoFileTests
{
    private static readonly Lazy<(string Binary, string Debug, string Compressed, string Stripped)> _built = new(Build);

    public static TheoryData<string> Shapes => ["debug", "compressed", "unstripped"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_function_and_line_is_the_one_binutils_reads_from_the_unstripped_binary(string shape)
    {
        var (binary, debug, compressed, _) = _built.Value;
        var file = DebugInfoFile.Open(shape switch { "debug" => debug, "compressed" => compressed, _ => binary });
        Assert.True(file.HasLines);

        var functions = SymbolizerPeers.Nm(binary, dynamic: false).Where(s => s.Kind is 'T' or 't' && s.Size > 0).ToList();
        Assert.Contains(functions, f => f.Name == "main");
        var addresses = functions.SelectMany(f => new[] { f.Address, f.Address + (f.Size!.Value / 2) }).ToList();
        var lines = SymbolizerPeers.Addr2LineFileLine(binary, addresses);

        var compared = 0;
        for (var i = 0; i < addresses.Count; i++)
        {
            var frame = file.Resolve(addresses[i]);
            Assert.NotNull(frame);
            Assert.Equal(functions[i / 2].Name, frame.SystemName);
            if (lines[i] is { } expected)
            {
                Assert.Equal(expected, $"{frame.FileName}:{frame.Line}");
                compared++;
            }
        }

        Assert.True(compared >= addresses.Count / 2, $"only {compared} of {addresses.Count} addresses have a line to compare");
    }

    [Fact]
    public void A_separate_debug_file_translates_the_running_binarys_addresses_as_the_binary_would()
    {
        var (binary, debug, _, stripped) = _built.Value;
        var file = DebugInfoFile.Open(debug);
        using var elf = Ember.Symbols.Elf.ElfFile.Open(stripped);
        var text = elf.ProgramHeaders.First(h => h.Type == Ember.Symbols.Elf.ElfSegmentType.Load && (h.Flags & Ember.Symbols.Elf.ElfSegmentFlags.Execute) != 0);
        var main = SymbolizerPeers.Nm(binary, dynamic: false).Single(s => s.Name == "main").Address;

        // The loader maps the executable segment's pages at some base: the mapping starts at its first page.
        const ulong Base = 0x5555_5555_0000;
        var start = Base + (text.VirtualAddress & ~0xfffUL);
        var runtime = Base + main;

        Assert.Equal(main, file.ToElfAddress(start, text.Offset & ~0xfffUL, runtime));
        Assert.Null(file.ToElfAddress(start, text.Offset & ~0xfffUL, start - 1));
        Assert.Equal(file.GnuBuildId, elf.GnuBuildId);
    }

    [Fact]
    public void Truncated_and_garbled_line_tables_are_a_typed_error_or_a_table_never_a_crash()
    {
        var (binary, _, _, _) = _built.Value;
        using var elf = Ember.Symbols.Elf.ElfFile.Open(binary);
        var section = elf.ReadSectionContents(elf.FindSection(".debug_line")!, 1 << 24);
        var lineStr = elf.ReadSectionContents(elf.FindSection(".debug_line_str")!, 1 << 24);
        var random = new Random(20261204);
        for (var cut = 0; cut < section.Length; cut += Math.Max(1, section.Length / 300))
        {
            ParseOrTypedError(section.AsSpan(0, cut).ToArray(), lineStr);
        }

        for (var i = 0; i < 2000; i++)
        {
            var mutated = (byte[])section.Clone();
            for (var j = 0; j < 4; j++)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            ParseOrTypedError(mutated, lineStr);
        }
    }

    private static void ParseOrTypedError(byte[] debugLine, byte[] lineStr)
    {
        try
        {
            var table = DwarfLineTable.Parse(debugLine, lineStr);
            Assert.True(table.Count <= DwarfLineTable.MaxRows);
        }
        catch (DwarfFormatException)
        {
            // the reason is in the message
        }
    }

    private static (string, string, string, string) Build()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var objcopy = ExternalProcess.Require("objcopy", "binutils");
        var strip = ExternalProcess.Require("strip", "binutils");
        var output = Directory.CreateTempSubdirectory("ember-debuginfo-").FullName;
        var binary = Path.Combine(output, "workload");
        ExternalProcess.RunChecked(gcc, ["-g", "-O2", "-fPIE", "-pie", ExternalProcess.FixturePath("symbols/dwarf/lines.c"), "-o", binary]);
        var debug = binary + ".debug";
        ExternalProcess.RunChecked(objcopy, ["--only-keep-debug", binary, debug]);
        var compressed = binary + ".zdebug";
        ExternalProcess.RunChecked(objcopy, ["--only-keep-debug", "--compress-debug-sections=zlib", binary, compressed]);
        var stripped = binary + ".stripped";
        ExternalProcess.RunChecked(strip, ["-s", "-o", stripped, binary]);
        return (binary, debug, compressed, stripped);
    }
}
