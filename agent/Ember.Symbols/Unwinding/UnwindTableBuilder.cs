using Ember.Symbols.Elf;

namespace Ember.Symbols.Unwinding;

/// <summary>
/// Compiles an x86-64 ELF file's DWARF call-frame information into an <see cref="UnwindTable"/>
/// for the in-kernel unwinder.
/// </summary>
/// <remarks>
/// <c>.eh_frame</c> is preferred; <c>.debug_frame</c> is used only when the file has no
/// <c>.eh_frame</c> (the two are not merged). Hostile input raises <see cref="CfiFormatException"/>
/// and nothing else; <see cref="UnwindTableLimits"/> bound the time and memory spent. Only x86-64 is
/// supported: an AArch64 table would base the CFA on sp or x29 and need a return-address rule per
/// row, because the return address lives in x30 until a prologue saves it.
/// </remarks>
public static class UnwindTableBuilder
{
    private const ulong CompressedSectionFlag = 0x800;

    /// <summary>
    /// Builds the table of <paramref name="elf"/>, rows keyed by ELF virtual address; null when the file
    /// has neither <c>.eh_frame</c> nor <c>.debug_frame</c>.
    /// </summary>
    /// <exception cref="CfiFormatException">The file is not x86-64, or its call-frame information is malformed or exceeds the limits.</exception>
    public static UnwindTable? Build(ElfFile elf, UnwindTableLimits limits)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(limits);
        if (elf.Machine != ElfMachine.X64)
        {
            throw new CfiFormatException(CfiError.UnsupportedMachine, $"unwind tables are built for x86-64 only, not {elf.Machine}");
        }

        var ehFrame = elf.FindSection(".eh_frame");
        var debugFrame = elf.FindSection(".debug_frame");
        var (section, kind) = ehFrame is not null && (ehFrame.Size > 0 || debugFrame is null)
            ? (ehFrame, CfiSection.EhFrame)
            : (debugFrame, CfiSection.DebugFrame);
        if (section is null)
        {
            return null;
        }

        if (section.Size > (ulong)limits.MaxSectionBytes)
        {
            throw new CfiFormatException(CfiError.SectionTooLarge,
                $"{section.Name} of {section.Size} bytes exceeds the limit of {limits.MaxSectionBytes}");
        }

        if ((section.Flags & CompressedSectionFlag) != 0)
        {
            throw new CfiFormatException(CfiError.UnsupportedVersion, $"{section.Name} is compressed (SHF_COMPRESSED)");
        }

        byte[] contents;
        try
        {
            contents = elf.ReadSectionContents(section, limits.MaxSectionBytes);
        }
        catch (ElfFormatException exception)
        {
            throw new CfiFormatException(CfiError.Truncated, $"read {section.Name}: {exception.Message}", exception);
        }

        var bases = new CfiBases(section.Address, elf.FindSection(".text")?.Address, elf.FindSection(".got")?.Address);
        return Build(contents, kind, bases, limits);
    }

    /// <summary>Builds a table from the bytes of one CFI section (the entry point for tests).</summary>
    internal static UnwindTable Build(ReadOnlyMemory<byte> section, CfiSection kind, CfiBases bases, UnwindTableLimits limits) =>
        new CfiParser(section, kind, bases, limits).Build();
}
