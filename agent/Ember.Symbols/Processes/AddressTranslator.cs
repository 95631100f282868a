using Ember.Symbols.Elf;

namespace Ember.Symbols.Processes;

/// <summary>
/// Converts between runtime addresses in a process and ELF virtual addresses ("normalized" addresses,
/// the ones symbol tables and <c>llvm-symbolizer --obj</c> use). For a runtime address in a mapping,
/// the file offset is <c>address - start + offset</c>; the <c>PT_LOAD</c> segment holding that offset
/// gives the virtual address <c>fileOffset - (p_offset - p_vaddr)</c>. This works for PIE executables,
/// shared objects and fixed-address executables alike (for the latter the result equals the input).
/// </summary>
public static class AddressTranslator
{
    private const ulong PageSize = 4096;

    /// <summary>The ELF virtual address of <paramref name="runtimeAddress"/>, or null when no loadable segment covers it.</summary>
    public static ulong? ToElfAddress(ProcessMapping mapping, IReadOnlyList<ElfProgramHeader> programHeaders, ulong runtimeAddress)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(programHeaders);
        if (!mapping.Contains(runtimeAddress))
        {
            return null;
        }

        return ToElfAddress(mapping.Start, mapping.FileOffset, mapping.IsExecutable, programHeaders, runtimeAddress);
    }

    /// <summary>
    /// The ELF virtual address of <paramref name="runtimeAddress"/> in a mapping known only by its start
    /// and file offset (a profile's mapping: code, so executable), or null when no segment maps it.
    /// </summary>
    public static ulong? ToElfAddress(ulong mappingStart, ulong mappingFileOffset, bool executable, IReadOnlyList<ElfProgramHeader> programHeaders, ulong runtimeAddress)
    {
        ArgumentNullException.ThrowIfNull(programHeaders);
        if (runtimeAddress < mappingStart)
        {
            return null;
        }

        var fileOffset = runtimeAddress - mappingStart + mappingFileOffset;
        var segment = FindSegmentForFileOffset(programHeaders, fileOffset, executable);
        return segment is null ? null : fileOffset - segment.Offset + segment.VirtualAddress;
    }

    /// <summary>
    /// The runtime address of ELF virtual address <paramref name="elfAddress"/> in <paramref name="mapping"/>,
    /// or null when that address is not mapped by it.
    /// </summary>
    public static ulong? ToRuntimeAddress(ProcessMapping mapping, IReadOnlyList<ElfProgramHeader> programHeaders, ulong elfAddress)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(programHeaders);
        foreach (var segment in programHeaders)
        {
            if (segment.Type != ElfSegmentType.Load || elfAddress < segment.VirtualAddress || elfAddress - segment.VirtualAddress >= segment.FileSize)
            {
                continue;
            }

            var fileOffset = elfAddress - segment.VirtualAddress + segment.Offset;
            if (fileOffset < mapping.FileOffset || fileOffset - mapping.FileOffset >= mapping.End - mapping.Start)
            {
                continue;
            }

            return fileOffset - mapping.FileOffset + mapping.Start;
        }

        return null;
    }

    /// <summary>
    /// The loadable segment that maps <paramref name="fileOffset"/>: one whose file range contains it,
    /// preferring a segment with the mapping's execute permission where two share a page, and
    /// otherwise one whose page-aligned start covers it (addresses in alignment padding).
    /// </summary>
    internal static ElfProgramHeader? FindSegmentForFileOffset(IReadOnlyList<ElfProgramHeader> programHeaders, ulong fileOffset, bool executable)
    {
        ElfProgramHeader? containing = null;
        ElfProgramHeader? pageAligned = null;
        foreach (var segment in programHeaders)
        {
            if (segment.Type != ElfSegmentType.Load)
            {
                continue;
            }

            var segmentExecutable = (segment.Flags & ElfSegmentFlags.Execute) != 0;
            if (segment.ContainsFileOffset(fileOffset))
            {
                if (segmentExecutable == executable)
                {
                    return segment;
                }

                containing ??= segment;
            }
            else if (pageAligned is null && fileOffset >= (segment.Offset & ~(PageSize - 1))
                && fileOffset < segment.Offset + Math.Max(segment.FileSize, 1) + PageSize && segmentExecutable == executable)
            {
                pageAligned = segment;
            }
        }

        return containing ?? pageAligned;
    }
}
