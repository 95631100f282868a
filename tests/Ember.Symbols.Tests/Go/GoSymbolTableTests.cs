using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ember.Symbols.Elf;
using Ember.Symbols.Go;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Go;

/// <summary>Go pclntab symbolization compared with <c>go tool addr2line</c>, <c>go tool nm</c> and <c>go tool buildid</c>.</summary>
public sealed class GoSymbolTableTests
{
    public static TheoryData<string> Builds => new("stripped", "full", "pie-stripped", "pie-full");

    [Theory]
    [MemberData(nameof(Builds))]
    public void Names_files_and_lines_match_go_tool_addr2line_for_every_function(string build)
    {
        var binary = GoFixtures.Binaries[build];
        var peerBinary = build.StartsWith("pie", StringComparison.Ordinal) ? WithPclntabNamedForGoTools(binary) : binary;
        using var elf = ElfFile.Open(binary);
        var table = GoSymbolTable.TryLoad(elf) ?? throw new InvalidOperationException("no pclntab found");
        var text = elf.FindSection(".text")!;
        var pcs = new SortedSet<ulong>();
        for (var i = 0; i < table.FunctionCount; i++)
        {
            var f = table.FunctionAt(i);
            pcs.UnionWith([f.Entry, f.Entry + ((f.End - f.Entry) / 2), f.End - 1]);
        }

        for (var pc = text.Address; pc < text.Address + text.Size; pc += 97)
        {
            pcs.Add(pc);
        }

        AssertMatchesAddr2Line(peerBinary, table, pcs.ToList());
        Assert.True(table.FunctionCount > 1000, $"only {table.FunctionCount} functions");
    }

    [Fact]
    public void Stripped_pie_build_resolves_exactly_like_the_unstripped_pie_build()
    {
        using var strippedElf = ElfFile.Open(GoFixtures.Binaries["pie-stripped"]);
        using var fullElf = ElfFile.Open(GoFixtures.Binaries["pie-full"]);
        Assert.Equal(ElfFileType.SharedObject, strippedElf.Type);
        Assert.Null(strippedElf.FindSection(".gopclntab"));
        var stripped = GoSymbolTable.TryLoad(strippedElf)!;
        var full = GoSymbolTable.TryLoad(fullElf)!;

        Assert.Equal(full.FunctionCount, stripped.FunctionCount);
        for (var i = 0; i < full.FunctionCount; i++)
        {
            var f = full.FunctionAt(i);
            Assert.Equal(full.Resolve(f.Entry + ((f.End - f.Entry) / 2)), stripped.Resolve(f.Entry + ((f.End - f.Entry) / 2)));
        }
    }

    [Fact]
    public void Fixture_functions_are_found_by_name_with_their_source_files()
    {
        using var elf = ElfFile.Open(GoFixtures.Binaries["stripped"]);
        var table = GoSymbolTable.TryLoad(elf)!;
        var functions = Enumerable.Range(0, table.FunctionCount).Select(table.FunctionAt).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First());

        foreach (var name in new[]
        {
            "main.main", "main.fib", "main.(*counter).add", "main.sumSquares", "main.main.func1",
            "ember.dev/fixtures/symbols/shapes.Circle.Area", "ember.dev/fixtures/symbols/shapes.(*Rect).Area",
            "ember.dev/fixtures/symbols/shapes.Sum[...]", "ember.dev/fixtures/symbols/shapes.Total",
        })
        {
            Assert.True(functions.TryGetValue(name, out var function), $"{name} is missing");
            var location = table.Resolve(function.Entry);
            Assert.Equal(name, location?.Function.Name);
            Assert.EndsWith(name.StartsWith("main.", StringComparison.Ordinal) ? "symbols/go/main.go" : "symbols/go/shapes/shapes.go", location?.File, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Function_entries_match_go_tool_nm_of_the_unstripped_build()
    {
        var binary = GoFixtures.Binaries["full"];
        using var elf = ElfFile.Open(binary);
        var table = GoSymbolTable.TryLoad(elf)!;
        var nm = GoFixtures.Tool("nm", [binary]).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Split(' ', 3))
            .Where(p => p.Length == 3 && p[1] is "T" or "t")
            .ToLookup(p => ElideBrackets(p[2]), p => ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));

        for (var i = 0; i < table.FunctionCount; i++)
        {
            var f = table.FunctionAt(i);
            // Assembly functions carry their ABI in the symbol name only.
            Assert.True(nm[f.Name].Contains(f.Entry) || nm[f.Name + ".abi0"].Contains(f.Entry), $"{f.Name} at 0x{f.Entry:x} is not in go tool nm");
        }
    }

    [Fact]
    public void The_table_is_found_by_scanning_when_section_headers_are_removed()
    {
        var original = GoFixtures.Binaries["stripped"];
        using var withSections = ElfFile.Open(original);
        var expected = GoSymbolTable.TryLoad(withSections)!;
        var copy = WithoutSectionHeaders(original);

        using var elf = ElfFile.Open(copy);
        Assert.Empty(elf.Sections);
        var scanned = GoSymbolTable.TryLoad(elf) ?? throw new InvalidOperationException("scan did not find the pclntab");

        Assert.Equal(expected.FunctionCount, scanned.FunctionCount);
        Assert.Equal(expected.TextStart, scanned.TextStart);
        for (var i = 0; i < expected.FunctionCount; i += 3)
        {
            var f = expected.FunctionAt(i);
            Assert.Equal(expected.Resolve(f.Entry + 1), scanned.Resolve(f.Entry + 1));
        }

        var pcs = Enumerable.Range(0, 400).Select(i => expected.FunctionAt(i * expected.FunctionCount / 400).Entry + 4).ToList();
        AssertMatchesAddr2Line(original, scanned, pcs);
    }

    [Theory]
    [MemberData(nameof(Builds))]
    public void Go_build_id_matches_go_tool_buildid(string build)
    {
        var binary = GoFixtures.Binaries[build];
        using var elf = ElfFile.Open(binary);
        Assert.Equal(GoFixtures.Tool("buildid", [binary]).Trim(), elf.GoBuildId);
    }

    /// <summary>
    /// The Go linker writes <c>"\xff Go build ID: " + strconv.Quote(id) + "\n \xff"</c> at the start of the
    /// text only for non-ELF formats (cmd/link/internal/ld/data.go, textbuildid); ELF files that lost
    /// their note may still carry it, so the reader accepts it. The marker is written here exactly so.
    /// </summary>
    [Fact]
    public void Go_build_id_is_read_from_the_text_marker_when_the_note_is_missing()
    {
        var binary = GoFixtures.Binaries["stripped"];
        var expected = GoFixtures.Tool("buildid", [binary]).Trim();
        var image = File.ReadAllBytes(binary);
        ulong noteOffset;
        ulong textOffset;
        using (var original = ElfFile.Open(binary))
        {
            noteOffset = original.FindSection(".note.go.buildid")!.Offset;
            textOffset = original.FindSection(".text")!.Offset;
        }

        image[(int)noteOffset + 12 + 1] = (byte)'x'; // owner "Go" becomes "Gx"
        byte[] marker = [0xff, .. Encoding.ASCII.GetBytes($" Go build ID: \"{expected}\"\n "), 0xff];
        marker.CopyTo(image, (int)textOffset);
        using var elf = ElfFile.FromMemory(image);
        Assert.DoesNotContain(elf.Notes, n => n.Name == "Go");

        Assert.Equal(expected, elf.GoBuildId);
    }

    [Fact]
    public void Non_go_binaries_have_no_table_and_no_go_build_id()
    {
        using var elf = ElfFile.Open(NativeFixtures.Binaries["gcc-pie-O2"]);
        Assert.Null(GoSymbolTable.TryLoad(elf));
        Assert.Null(elf.GoBuildId);
    }

    [Fact]
    public void Addresses_outside_the_text_resolve_to_nothing()
    {
        using var elf = ElfFile.Open(GoFixtures.Binaries["stripped"]);
        var table = GoSymbolTable.TryLoad(elf)!;
        Assert.Null(table.Resolve(0));
        Assert.Null(table.Resolve(table.FunctionAt(0).Entry - 1));
        Assert.Null(table.FindFunction(table.FunctionAt(table.FunctionCount - 1).End));
    }

    [Fact]
    public void Mutated_pclntab_bytes_raise_only_ElfFormatException()
    {
        var binary = GoFixtures.Binaries["stripped"];
        var original = File.ReadAllBytes(binary);
        ulong pclntabOffset;
        ulong pclntabSize;
        using (var elf = ElfFile.Open(binary))
        {
            var section = elf.FindSection(".gopclntab")!;
            (pclntabOffset, pclntabSize) = (section.Offset, section.Size);
        }

        var random = new Random(1906);
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var image = (byte[])original.Clone();
            for (var m = 0; m < 16; m++)
            {
                // Half the mutations hit the header and function table, half anywhere in the table.
                var span = m % 2 == 0 ? Math.Min(pclntabSize, 64 * 1024) : pclntabSize;
                image[(int)pclntabOffset + random.Next((int)span)] = (byte)random.Next(256);
            }

            try
            {
                using var elf = ElfFile.FromMemory(image);
                if (GoSymbolTable.TryLoad(elf) is { } table)
                {
                    for (var i = 0; i < table.FunctionCount; i += 37)
                    {
                        _ = table.Resolve(table.FunctionAt(i).Entry + 3);
                    }
                }
            }
            catch (ElfFormatException)
            {
            }
        }
    }

    /// <summary>
    /// go tool addr2line (1.19) reads only a section named exactly .gopclntab, but PIE builds name it
    /// .data.rel.ro.gopclntab. This copy points the section's name at the ".gopclntab" suffix of that
    /// same string (ELF string tables allow it), so the peer reads the unchanged table bytes.
    /// </summary>
    private static string WithPclntabNamedForGoTools(string binary)
    {
        var image = File.ReadAllBytes(binary);
        int headerOffset;
        using (var elf = ElfFile.FromMemory(image))
        {
            var section = elf.FindSection(".data.rel.ro.gopclntab") ?? throw new InvalidOperationException("PIE build has no .data.rel.ro.gopclntab");
            headerOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(40)) + (section.Index * 64);
        }

        var name = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(headerOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(headerOffset), name + (uint)".data.rel.ro".Length);
        var copy = Path.Combine(Directory.CreateTempSubdirectory("ember-go-renamed-").FullName, Path.GetFileName(binary));
        File.WriteAllBytes(copy, image);
        return copy;
    }

    /// <summary>
    /// The pclntab prints type arguments and array lengths as <c>[...]</c> (Sum[...], type..eq.[...]T), the
    /// symbol table spells them out (Sum[go.shape.int_0], type..eq.[15]T).
    /// </summary>
    private static string ElideBrackets(string name)
    {
        var result = new StringBuilder();
        var depth = 0;
        foreach (var c in name)
        {
            if (c == '[' && depth++ == 0)
            {
                result.Append("[...]");
            }
            else if (c == ']' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    internal static string WithoutSectionHeaders(string binary)
    {
        var image = File.ReadAllBytes(binary);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(40), 0); // e_shoff
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(60), 0); // e_shnum
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(62), 0); // e_shstrndx
        var copy = Path.Combine(Directory.CreateTempSubdirectory("ember-go-nosections-").FullName, "binary");
        File.WriteAllBytes(copy, image);
        return copy;
    }

    private static void AssertMatchesAddr2Line(string binary, GoSymbolTable table, List<ulong> pcs)
    {
        var input = new StringBuilder();
        foreach (var pc in pcs)
        {
            input.Append(CultureInfo.InvariantCulture, $"0x{pc:x}\n");
        }

        var lines = GoFixtures.Tool("addr2line", [binary], input.ToString()).Split('\n');
        Assert.True(lines.Length >= pcs.Count * 2, $"go tool addr2line printed {lines.Length} lines for {pcs.Count} PCs");
        var mismatches = new List<string>();
        for (var i = 0; i < pcs.Count; i++)
        {
            var expectedName = lines[2 * i];
            var expectedPlace = lines[(2 * i) + 1];
            var actual = table.Resolve(pcs[i]);
            var actualName = actual?.Function.Name ?? "?";
            var actualPlace = actual is null ? "?:0" : $"{actual.Value.File}:{actual.Value.Line?.ToString(CultureInfo.InvariantCulture) ?? "-1"}";
            if (expectedName != actualName || expectedPlace != actualPlace)
            {
                mismatches.Add($"0x{pcs[i]:x}: addr2line {expectedName} {expectedPlace}, we {actualName} {actualPlace}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {pcs.Count} PCs differ:\n{string.Join('\n', mismatches.Take(20))}");
    }
}
