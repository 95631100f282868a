using System.Buffers.Binary;
using Ember.Symbols.Elf;
using Ember.Symbols.Unwinding;

namespace Ember.Symbols.Tests.Unwinding;

/// <summary>Rules compiled from hand-built <c>.eh_frame</c> entries.</summary>
public sealed class UnwindTableBuilderTests
{
    private static UnwindRow Sp(ulong address, int offset, int? fp = null) =>
        new(address, UnwindRowKind.Rule, CfaRule.Sp, offset, fp is null ? FpRule.Unchanged : FpRule.AtCfaOffset, fp ?? 0);

    private static UnwindRow NoInfo(ulong address) => new(address, UnwindRowKind.NoInfo, CfaRule.None, 0, FpRule.Unchanged, 0);

    [Fact]
    public void Remember_and_restore_state_bring_back_the_cfa_and_rbp_rules()
    {
        var frame = new EhFrameBuilder();
        var cie = frame.Cie();
        frame.Fde(cie, 0x2000, 0x40, [
            0x41, 0x0e, 0x10, 0x86, 0x02, // advance 1; def_cfa_offset 16; rbp at cfa-16
            0x44, 0x0a, 0x0e, 0x08, 0xc6, // advance 4; remember_state; def_cfa_offset 8; restore rbp
            0x41, 0x0b,                   // advance 1; restore_state
        ]);
        var table = frame.Build();

        Assert.Equal(
            [Sp(0x2000, 8), Sp(0x2001, 16, -16), Sp(0x2005, 8), Sp(0x2006, 16, -16), NoInfo(0x2040)],
            table.Rows);
        Assert.Equal(1, table.FdeCount);
        Assert.Equal(CfiSection.EhFrame, table.Source);
    }

    [Fact]
    public void The_plt_expression_becomes_a_plt_rule_with_its_threshold()
    {
        var frame = new EhFrameBuilder();
        var cie = frame.Cie();
        frame.Fde(cie, 0x2000, 0x30, [
            0x0e, 0x10, 0x46, 0x0e, 0x18, 0x4a, // def_cfa_offset 16; advance 6; def_cfa_offset 24; advance 10
            0x0f, 0x0b, 0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22, // the PLT expression, lit11
        ]);
        var table = frame.Build();

        Assert.Equal(
            [Sp(0x2000, 16), Sp(0x2006, 24), new UnwindRow(0x2010, UnwindRowKind.Rule, CfaRule.Plt, 11, FpRule.Unchanged, 0), NoInfo(0x2030)],
            table.Rows);
    }

    [Fact]
    public void Another_cfa_expression_is_unsupported()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, [0x41, 0x0f, 0x02, 0x77, 0x08]); // CFA = rsp + 8 as an expression
        Assert.Equal(UnwindRowKind.Unsupported, frame.Build().Find(0x2001).Kind);
    }

    [Fact]
    public void Def_cfa_register_rbp_switches_to_an_rbp_based_cfa()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x20, [0x41, 0x0e, 0x10, 0x86, 0x02, 0x43, 0x0d, 0x06]); // push rbp; mov rsp, rbp
        var table = frame.Build();

        Assert.Equal(new UnwindRow(0x2004, UnwindRowKind.Rule, CfaRule.Fp, 16, FpRule.AtCfaOffset, -16), table.Find(0x2010));
        Assert.Equal(Sp(0x2001, 16, -16), table.Find(0x2003));
    }

    [Fact]
    public void Gaps_between_fdes_are_no_info_and_adjacent_fdes_merge()
    {
        var frame = new EhFrameBuilder();
        var cie = frame.Cie();
        frame.Fde(cie, 0x2030, 0x10, []);
        frame.Fde(cie, 0x2000, 0x10, []);
        frame.Fde(cie, 0x2020, 0x10, []);
        var table = frame.Build();

        Assert.Equal([Sp(0x2000, 8), NoInfo(0x2010), Sp(0x2020, 8), NoInfo(0x2040)], table.Rows);
        Assert.Equal(UnwindRowKind.NoInfo, table.Find(0x1fff).Kind);
        Assert.Equal(UnwindRowKind.NoInfo, table.Find(0x2015).Kind);
        Assert.Equal(UnwindRowKind.NoInfo, table.Find(0x9999).Kind);
        Assert.Equal(3, table.FdeCount);
    }

    [Fact]
    public void Overlapping_and_empty_fdes_are_dropped()
    {
        var frame = new EhFrameBuilder();
        var cie = frame.Cie();
        frame.Fde(cie, 0x2000, 0x40, []);
        frame.Fde(cie, 0x2010, 0x10, [0x0e, 0x20]);
        frame.Fde(cie, 0x3000, 0, []);
        var table = frame.Build();

        Assert.Equal([Sp(0x2000, 8), NoInfo(0x2040)], table.Rows);
        Assert.Equal(1, table.FdeCount);
    }

    [Fact]
    public void Signal_frames_are_unsupported()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie("zRS"), 0x2000, 0x10, []);
        Assert.Equal([new UnwindRow(0x2000, UnwindRowKind.Unsupported, CfaRule.None, 0, FpRule.Unchanged, 0), NoInfo(0x2010)], frame.Build().Rows);
    }

    [Theory]
    [InlineData(new byte[] { 0x0c, 0x0c, 0x08 })]       // def_cfa r12 8
    [InlineData(new byte[] { 0x10, 0x06, 0x01, 0x30 })] // rbp by expression
    [InlineData(new byte[] { 0x09, 0x06, 0x0a })]       // rbp in r10
    [InlineData(new byte[] { 0x07, 0x10 })]             // return address undefined (outermost frame)
    [InlineData(new byte[] { 0x90, 0x02 })]             // return address at cfa-16
    public void Rules_a_row_cannot_express_are_unsupported(byte[] instructions)
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, [0x41, .. instructions]);
        var table = frame.Build();
        Assert.Equal(Sp(0x2000, 8), table.Find(0x2000));
        Assert.Equal(UnwindRowKind.Unsupported, table.Find(0x2001).Kind);
    }

    [Fact]
    public void Expressions_for_other_registers_and_args_size_are_ignored()
    {
        var frame = new EhFrameBuilder();
        frame.Fde(frame.Cie(), 0x2000, 0x10, [0x41, 0x10, 0x03, 0x01, 0x30, 0x2e, 0x10, 0x16, 0x0c, 0x01, 0x30, 0x2f, 0x06, 0x02]);
        Assert.Equal(Sp(0x2001, 8, 16), frame.Build().Find(0x2001)); // GNU_negative_offset_extended: rbp at cfa+16
    }

    [Fact]
    public void Restore_returns_to_the_cie_initial_rule()
    {
        var frame = new EhFrameBuilder();
        var cie = frame.Cie(initial: [.. EhFrameBuilder.StandardInitial, 0x86, 0x03]); // the CIE says rbp at cfa-24
        frame.Fde(cie, 0x2000, 0x10, [0x41, 0x86, 0x02, 0x41, 0xc6]);
        var table = frame.Build();
        Assert.Equal([Sp(0x2000, 8, -24), Sp(0x2001, 8, -16), Sp(0x2002, 8, -24), NoInfo(0x2010)], table.Rows);
    }

    [Fact]
    public void Personality_and_lsda_augmentations_are_skipped()
    {
        var frame = new EhFrameBuilder();
        // zPLR: personality indirect|pcrel|sdata4 (0x9b) + 4 bytes, LSDA pcrel|sdata4, FDE pcrel|sdata4.
        var cie = frame.Cie("zPLR", augmentationData: [0x9b, 1, 2, 3, 4, 0x1b, 0x1b]);
        frame.Fde(cie, 0x2000, 0x10, [0x41, 0x0e, 0x10]);
        Assert.Equal([Sp(0x2000, 8), Sp(0x2001, 16), NoInfo(0x2010)], frame.Build().Rows);
    }

    [Fact]
    public void Only_x86_64_files_are_accepted()
    {
        var image = File.ReadAllBytes(CfiFixtures.Binaries["frames-O2"]);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(18), (ushort)ElfMachine.AArch64);
        using var elf = ElfFile.FromMemory(image);
        var exception = Assert.Throws<CfiFormatException>(() => UnwindTableBuilder.Build(elf, UnwindTableLimits.Default));
        Assert.Equal(CfiError.UnsupportedMachine, exception.Error);
    }

    [Fact]
    public void Limits_bound_rows_and_section_size()
    {
        using var elf = ElfFile.Open("/lib/x86_64-linux-gnu/libc.so.6");
        Assert.Equal(CfiError.TooManyRows,
            Assert.Throws<CfiFormatException>(() => UnwindTableBuilder.Build(elf, new UnwindTableLimits(MaxRows: 100))).Error);
        Assert.Equal(CfiError.SectionTooLarge,
            Assert.Throws<CfiFormatException>(() => UnwindTableBuilder.Build(elf, new UnwindTableLimits(MaxSectionBytes: 4096))).Error);
    }
}
