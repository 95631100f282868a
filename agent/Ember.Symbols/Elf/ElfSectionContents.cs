using System.Buffers.Binary;
using System.IO.Compression;

namespace Ember.Symbols.Elf;

/// <summary>
/// A section's contents as a tool reads them: sections marked SHF_COMPRESSED (debug sections of
/// distribution debug packages) are inflated, to at most the caller's limit.
/// </summary>
public static class ElfSectionContents
{
    /// <summary>SHF_COMPRESSED.</summary>
    public const ulong CompressedFlag = 0x800;

    private const int ChdrSize = 24;
    private const uint CompressZlib = 1;

    /// <summary>The uncompressed contents of <paramref name="section"/>, at most <paramref name="limit"/> bytes.</summary>
    /// <exception cref="ElfFormatException">The section is truncated, larger than the limit, or compressed in a way other than zlib.</exception>
    public static byte[] Read(ElfFile elf, ElfSection section, long limit)
    {
        ArgumentNullException.ThrowIfNull(elf);
        ArgumentNullException.ThrowIfNull(section);
        var raw = elf.ReadSectionContents(section, limit);
        if ((section.Flags & CompressedFlag) == 0)
        {
            return raw;
        }

        if (raw.Length < ChdrSize)
        {
            throw new ElfFormatException($"compressed section {section.Name} has no compression header");
        }

        var type = BinaryPrimitives.ReadUInt32LittleEndian(raw);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(8));
        if (type != CompressZlib)
        {
            throw new ElfFormatException($"section {section.Name} is compressed with type {type}, not zlib");
        }

        if (size > (ulong)limit)
        {
            throw new ElfFormatException($"section {section.Name} inflates to {size} bytes, beyond the limit of {limit}");
        }

        var contents = new byte[size];
        try
        {
            using var inflater = new ZLibStream(new MemoryStream(raw, ChdrSize, raw.Length - ChdrSize), CompressionMode.Decompress);
            inflater.ReadExactly(contents);
            if (inflater.ReadByte() >= 0)
            {
                throw new ElfFormatException($"section {section.Name} inflates to more than its header's {size} bytes");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new ElfFormatException($"section {section.Name} does not inflate: {ex.Message}", ex);
        }

        return contents;
    }
}
