namespace Ember.Symbols.Unwinding;

/// <summary>Addresses the DW_EH_PE relative encodings are relative to.</summary>
/// <param name="SectionAddress">Virtual address of the CFI section (pcrel: field address = this + section offset).</param>
/// <param name="Text">Address of <c>.text</c> (textrel), if known.</param>
/// <param name="Data">Address of <c>.got</c> (datarel), if known.</param>
internal readonly record struct CfiBases(ulong SectionAddress, ulong? Text, ulong? Data);

/// <summary>Reads DW_EH_PE encoded pointers (the <c>.eh_frame</c> extension of DWARF).</summary>
internal static class PointerEncoding
{
    public const byte Omit = 0xff;
    private const byte AbsPtr = 0x00;
    private const byte Indirect = 0x80;

    /// <summary>Reads an encoded address; indirect pointers are only skipped when <paramref name="allowIndirect"/>, never dereferenced.</summary>
    public static ulong Read(ref CfiCursor cursor, byte encoding, in CfiBases bases, bool allowIndirect)
    {
        if ((encoding & Indirect) != 0 && !(allowIndirect && encoding != Omit))
        {
            throw cursor.Error(CfiError.BadPointerEncoding, $"pointer encoding 0x{encoding:x2} is not valid here");
        }

        var fieldAddress = unchecked(bases.SectionAddress + (ulong)cursor.Position);
        ulong baseAddress = (encoding & 0x70) switch
        {
            0x00 => 0,
            0x10 => fieldAddress,
            0x20 => bases.Text ?? throw cursor.Error(CfiError.BadPointerEncoding, "textrel pointer but the file has no .text"),
            0x30 => bases.Data ?? throw cursor.Error(CfiError.BadPointerEncoding, "datarel pointer but the file has no .got"),
            0x50 => AlignTo8(ref cursor, bases),
            _ => throw cursor.Error(CfiError.BadPointerEncoding, $"pointer encoding 0x{encoding:x2} has an unsupported application"),
        };
        return unchecked(baseAddress + ReadValue(ref cursor, encoding));
    }

    /// <summary>Reads the value part only (an FDE's address range uses the format bits and no application).</summary>
    public static ulong ReadValue(ref CfiCursor cursor, byte encoding) => (encoding & 0x0f) switch
    {
        AbsPtr => cursor.ReadU64(),
        0x01 => cursor.ReadULeb128(),
        0x02 => cursor.ReadU16(),
        0x03 => cursor.ReadU32(),
        0x04 => cursor.ReadU64(),
        0x09 => unchecked((ulong)cursor.ReadSLeb128()),
        0x0a => unchecked((ulong)(long)(short)cursor.ReadU16()),
        0x0b => unchecked((ulong)(long)(int)cursor.ReadU32()),
        0x0c => cursor.ReadU64(),
        _ => throw cursor.Error(CfiError.BadPointerEncoding, $"pointer encoding 0x{encoding:x2} has an unknown format"),
    };

    /// <summary>Checks an encoding byte read from a CIE augmentation before it is used.</summary>
    public static void Validate(ref CfiCursor cursor, byte encoding)
    {
        if (encoding != Omit && ((encoding & 0x0f) is 0x05 or 0x06 or 0x07 or 0x08 or > 0x0c || (encoding & 0x70) > 0x50))
        {
            throw cursor.Error(CfiError.BadPointerEncoding, $"unknown pointer encoding 0x{encoding:x2}");
        }
    }

    // DW_EH_PE_aligned: the value is an absolute pointer at the next 8-byte aligned address.
    private static ulong AlignTo8(ref CfiCursor cursor, in CfiBases bases)
    {
        var misalignment = (int)(unchecked(bases.SectionAddress + (ulong)cursor.Position) & 7);
        if (misalignment != 0)
        {
            cursor.Skip((ulong)(8 - misalignment));
        }

        return 0;
    }
}
