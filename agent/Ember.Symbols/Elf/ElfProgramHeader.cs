namespace Ember.Symbols.Elf;

/// <summary>One program header: how a range of the file is mapped into memory.</summary>
/// <param name="Type">Segment type.</param>
/// <param name="Flags">Permissions.</param>
/// <param name="Offset">File offset of the segment's first byte.</param>
/// <param name="VirtualAddress">Virtual address of the first byte (before any load bias).</param>
/// <param name="FileSize">Bytes taken from the file.</param>
/// <param name="MemorySize">Bytes in memory (larger than <paramref name="FileSize"/> for <c>.bss</c>).</param>
/// <param name="Alignment">Alignment in memory and in the file.</param>
public sealed record ElfProgramHeader(
    ElfSegmentType Type,
    ElfSegmentFlags Flags,
    ulong Offset,
    ulong VirtualAddress,
    ulong FileSize,
    ulong MemorySize,
    ulong Alignment)
{
    /// <summary>True for a loadable segment with execute permission.</summary>
    public bool IsExecutableLoad => Type == ElfSegmentType.Load && (Flags & ElfSegmentFlags.Execute) != 0;

    /// <summary>True when <paramref name="fileOffset"/> falls inside the part of this segment backed by the file.</summary>
    public bool ContainsFileOffset(ulong fileOffset) => fileOffset >= Offset && fileOffset - Offset < FileSize;

    /// <summary>True when <paramref name="address"/> falls inside this segment's memory image.</summary>
    public bool ContainsAddress(ulong address) => address >= VirtualAddress && address - VirtualAddress < MemorySize;
}
