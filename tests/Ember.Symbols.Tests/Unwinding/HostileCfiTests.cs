using Ember.Symbols.Elf;
using Ember.Symbols.Unwinding;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>
/// Truncated, mutated and adversarial call-frame information may only ever produce a table or a
/// <see cref="CfiFormatException"/>: no index or overflow exceptions, no hangs, no huge allocations.
/// </summary>
public sealed class HostileCfiTests
{
    private static (byte[] Section, CfiBases Bases) RealEhFrame(string path)
    {
        using var elf = ElfFile.Open(path);
        var section = elf.FindSection(".eh_frame")!;
        return (elf.ReadSectionContents(section, 1 << 26),
            new CfiBases(section.Address, elf.FindSection(".text")?.Address, elf.FindSection(".got")?.Address));
    }

    private static UnwindTable? BuildOrReject(ReadOnlyMemory<byte> section, CfiBases bases, UnwindTableLimits? limits = null)
    {
        try
        {
            return UnwindTableBuilder.Build(section, CfiSection.EhFrame, bases, limits ?? UnwindTableLimits.Default);
        }
        catch (CfiFormatException)
        {
            return null;
        }
    }

    private static CfiError Rejection(EhFrameBuilder frame, UnwindTableLimits? limits = null) =>
        Assert.Throws<CfiFormatException>(() => frame.Build(limits)).Error;

    [Fact]
    public void Truncation_at_every_offset_gives_a_table_or_a_CfiFormatException()
    {
        var (section, bases) = RealEhFrame(CfiFixtures.Binaries["frames-O2"]);
        var rejected = 0;
        for (var length = 0; length <= section.Length; length++)
        {
            rejected += BuildOrReject(section.AsMemory(0, length), bases) is null ? 1 : 0;
        }

        // Most prefixes end inside an entry; the complete section and the prefixes ending between entries build.
        Assert.InRange(rejected, section.Length / 2, section.Length);
        Assert.NotNull(BuildOrReject(section, bases));
    }

    [Fact]
    public void Truncating_libc_eh_frame_gives_a_table_or_a_CfiFormatException()
    {
        var (section, bases) = RealEhFrame("/lib/x86_64-linux-gnu/libc.so.6");
        for (var length = 0; length < section.Length; length += 997)
        {
            BuildOrReject(section.AsMemory(0, length), bases);
        }
    }

    [Fact]
    public void Random_mutations_give_a_table_or_a_CfiFormatException()
    {
        var (original, bases) = RealEhFrame(CfiFixtures.Binaries["frames-O2"]);
        var random = new Random(20261203);
        var rejected = 0;
        const int Iterations = 2000;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var section = (byte[])original.Clone();
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                section[random.Next(section.Length)] = random.Next(3) switch
                {
                    0 => 0xff,
                    1 => 0x00,
                    _ => (byte)random.Next(256),
                };
            }

            rejected += BuildOrReject(section, bases) is null ? 1 : 0;
        }

        Assert.InRange(rejected, 1, Iterations - 1);
    }

    [Fact]
    public void A_cie_pointer_to_itself_an_fde_or_outside_the_section_is_rejected()
    {
        foreach (var pointer in new uint[] { 4, 0x1000, 0xffffffff })
        {
            var frame = new EhFrameBuilder();
            frame.Cie();
            frame.Fde(0, 0x2000, 0x10, [], rawCiePointer: pointer); // 4: the FDE itself
            Assert.Equal(CfiError.BadCiePointer, Rejection(frame));
        }

        var chained = new EhFrameBuilder();
        var cie = chained.Cie();
        var first = chained.Fde(cie, 0x2000, 0x10, []);
        chained.Fde(first, 0x3000, 0x10, []); // points at the first FDE
        Assert.Equal(CfiError.BadCiePointer, Rejection(chained));
    }

    [Fact]
    public void Huge_augmentation_lengths_are_rejected()
    {
        var frame = new EhFrameBuilder();
        frame.Raw(0x10, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'z', (byte)'R', 0, 1, 0x78, 16, 0xff, 0xff, 0xff, 0xff, 0x0f);
        Assert.Equal(CfiError.AugmentationTooLarge, Rejection(frame));

        var fde = new EhFrameBuilder();
        fde.Fde(fde.Cie(), 0x2000, 0x10, []);
        var bytes = fde.ToArray();
        bytes[^5] = 0x7f; // the FDE's augmentation length, past the end of the entry
        Assert.Throws<CfiFormatException>(() => UnwindTableBuilder.Build(bytes, CfiSection.EhFrame, new CfiBases(EhFrameBuilder.SectionAddress, null, null), UnwindTableLimits.Default));
    }

    [Fact]
    public void Overlong_leb128_values_are_rejected()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, [0x0e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        Assert.Equal(CfiError.BadInstruction, Rejection(frame));

        var padded = new EhFrameBuilder();
        padded.Fde(padded.Cie(), 0x2000, 0x10, [0x0e, 0x90, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
        Assert.Equal(16, padded.Build().Find(0x2000).CfaOffset); // zero padding is valid LEB128
    }

    [Fact]
    public void A_million_advances_hit_the_instruction_limit_or_merge_into_one_row()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x1000000, Enumerable.Repeat((byte)0x41, 1_000_000).ToArray());
        Assert.Equal(CfiError.TooManyInstructions, Rejection(frame));

        var table = frame.Build(new UnwindTableLimits(MaxInstructionsPerFde: 2_000_000));
        Assert.Equal(2, table.Rows.Count);
    }

    [Fact]
    public void Advances_past_the_fde_end_stop_its_rows()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, [0x04, 0xff, 0xff, 0xff, 0xff, 0x0e, 0x10, 0x04, 0xff, 0xff, 0xff, 0xff]);
        Assert.Equal(2, frame.Build().Rows.Count);
    }

    [Fact]
    public void Remember_state_nesting_and_unbalanced_restores_are_rejected()
    {
        var deep = new EhFrameBuilder();
        deep.Fde(deep.Cie(), 0x2000, 0x10, Enumerable.Repeat((byte)0x0a, 65).ToArray());
        Assert.Equal(CfiError.StateStackOverflow, Rejection(deep));

        var unbalanced = new EhFrameBuilder();
        unbalanced.Fde(unbalanced.Cie(), 0x2000, 0x10, [0x0b]);
        Assert.Equal(CfiError.BadInstruction, Rejection(unbalanced));
    }

    [Theory]
    [InlineData(new byte[] { 0x1d })] // DW_CFA_MIPS_advance_loc8
    [InlineData(new byte[] { 0x3f })] // unassigned
    public void Unknown_opcodes_are_rejected(byte[] instructions)
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, instructions);
        Assert.Equal(CfiError.BadInstruction, Rejection(frame));
    }

    [Fact]
    public void Bad_versions_and_pointer_encodings_are_rejected()
    {
        var version = new EhFrameBuilder();
        version.Fde(version.Cie(), 0x2000, 0x10, []);
        var bytes = version.ToArray();
        bytes[8] = 2;
        Assert.Equal(CfiError.UnsupportedVersion,
            Assert.Throws<CfiFormatException>(() => UnwindTableBuilder.Build(bytes, CfiSection.EhFrame, default, UnwindTableLimits.Default)).Error);

        var encoding = new EhFrameBuilder();
        encoding.Fde(encoding.Cie(augmentationData: [0x07]), 0x2000, 0x10, []);
        Assert.Equal(CfiError.BadPointerEncoding, Rejection(encoding));

        var datarel = new EhFrameBuilder();
        datarel.Fde(datarel.Cie(augmentationData: [0x3b]), 0x2000, 0x10, []);
        Assert.Equal(CfiError.BadPointerEncoding, Rejection(datarel)); // no .got known

        var indirect = new EhFrameBuilder();
        indirect.Fde(indirect.Cie(augmentationData: [0x9b]), 0x2000, 0x10, []);
        Assert.Equal(CfiError.BadPointerEncoding, Rejection(indirect)); // indirect is for the personality only
    }

    [Fact]
    public void Entry_lengths_past_the_section_end_are_truncation()
    {
        var frame = new EhFrameBuilder();
        frame.Raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
        Assert.Equal(CfiError.Truncated, Rejection(frame));
    }
}
