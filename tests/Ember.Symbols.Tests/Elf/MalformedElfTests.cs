using System.Buffers.Binary;
using Ember.Symbols.Elf;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Elf;

/// <summary>
/// Truncated and mutated ELF input may only ever produce <see cref="ElfFormatException"/>: no index or
/// argument exceptions, no huge allocations, no hangs.
/// </summary>
public sealed class MalformedElfTests
{
    [Fact]
    public void Truncation_at_every_offset_raises_only_ElfFormatException()
    {
        var image = File.ReadAllBytes(NativeFixtures.Binaries["libshared.so"]);
        var failures = 0;
        for (var length = 0; length < image.Length; length++)
        {
            if (!ParsesOrRejectsCleanly(image.AsMemory(0, length), $"truncated to {length} bytes"))
            {
                failures++;
            }
        }

        // Every prefix is missing the section header table at the end of the file, so all must fail.
        Assert.Equal(image.Length, failures);
    }

    [Fact]
    public void Truncated_files_on_disk_raise_only_ElfFormatException()
    {
        var image = File.ReadAllBytes(NativeFixtures.Binaries["gcc-pie-O2"]);
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-truncated-").FullName, "elf");
        for (var length = 0; length < image.Length; length += 61)
        {
            File.WriteAllBytes(path, image.AsSpan(0, length).ToArray());
            var ex = Record.Exception(() =>
            {
                using var elf = ElfFile.Open(path);
                Exercise(elf);
            });
            Assert.IsAssignableFrom<ElfFormatException>(ex);
        }
    }

    [Fact]
    public void Random_mutations_raise_only_ElfFormatException()
    {
        var original = File.ReadAllBytes(NativeFixtures.Binaries["gcc-pie-O2"]);
        var sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(40));
        var random = new Random(20240917);
        var rejected = 0;
        const int Iterations = 4000;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var image = (byte[])original.Clone();
            var mutations = random.Next(1, 9);
            for (var m = 0; m < mutations; m++)
            {
                // Aim most mutations at the structures the reader trusts: headers and the section table.
                var position = random.Next(4) switch
                {
                    0 => random.Next(64),
                    1 => 64 + random.Next(13 * 56),
                    2 => sectionTable + random.Next(image.Length - sectionTable),
                    _ => random.Next(image.Length),
                };
                image[position] = random.Next(3) switch
                {
                    0 => 0,
                    1 => 0xff,
                    _ => (byte)random.Next(256),
                };
            }

            if (!ParsesOrRejectsCleanly(image, $"mutation iteration {iteration}"))
            {
                rejected++;
            }
        }

        // The loop must exercise both outcomes to mean anything.
        Assert.InRange(rejected, Iterations / 20, Iterations - (Iterations / 20));
    }

    [Theory]
    [InlineData(4, 1, "32-bit")]
    [InlineData(5, 2, "big-endian")]
    public void Unsupported_variants_raise_UnsupportedElfException(int offset, byte value, string expected)
    {
        var image = File.ReadAllBytes(NativeFixtures.Binaries["gcc-pie-O2"]);
        image[offset] = value;
        var ex = Assert.Throws<UnsupportedElfException>(() => ElfFile.FromMemory(image));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_count_beyond_the_limit_is_rejected_before_allocating()
    {
        var image = File.ReadAllBytes(NativeFixtures.Binaries["gcc-pie-O2"]);
        var sectionTable = (int)BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(40));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(60), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(sectionTable + 32), ulong.MaxValue / 2);
        var ex = Assert.Throws<ElfFormatException>(() => ElfFile.FromMemory(image));
        Assert.Contains("exceed the limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_an_elf_file_is_rejected_with_bad_magic()
    {
        var ex = Assert.Throws<ElfFormatException>(() => ElfFile.Open("/etc/hostname"));
        Assert.Contains("bad magic", ex.Message, StringComparison.Ordinal);
    }

    private static bool ParsesOrRejectsCleanly(ReadOnlyMemory<byte> image, string what)
    {
        try
        {
            using var elf = ElfFile.FromMemory(image);
            Exercise(elf);
            return true;
        }
        catch (ElfFormatException)
        {
            return false;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            throw;
        }
    }

    /// <summary>Touches everything the symbolizer reads from a file.</summary>
    internal static void Exercise(ElfFile elf)
    {
        _ = elf.Notes.Count;
        _ = elf.GnuBuildId;
        _ = elf.GoBuildId;
        var table = elf.ReadFunctionSymbols();
        for (var i = 0; i < table.Count; i += 7)
        {
            _ = table.Lookup(table[i].Start);
        }

        foreach (var section in elf.Sections)
        {
            if (section.Type is ElfSectionType.SymbolTable or ElfSectionType.DynamicSymbolTable)
            {
                _ = elf.ReadSymbols(section).Count();
            }
        }
    }
}
