using System.Buffers.Binary;

namespace Ember.Symbols.Unwinding;

/// <summary>
/// Bounds-checked little-endian reads over one CFI entry. Positions are section offsets; every read
/// past <see cref="End"/> raises <see cref="CfiError.Truncated"/>.
/// </summary>
internal ref struct CfiCursor
{
    private readonly ReadOnlySpan<byte> _section;

    public CfiCursor(ReadOnlySpan<byte> section, int position, int end)
    {
        _section = section;
        Position = position;
        End = end;
    }

    public int Position { get; set; }

    public int End { get; }

    public readonly bool AtEnd => Position >= End;

    public readonly int Remaining => End - Position;

    public byte ReadU8() => Take(1)[0];

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Unsigned LEB128. Padding bytes are accepted; bits beyond 64 are an error.</summary>
    public ulong ReadULeb128()
    {
        ulong value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = ReadU8();
            var bits = (ulong)(b & 0x7f);
            if (shift < 64)
            {
                if (shift > 57 && (bits >> (64 - shift)) != 0)
                {
                    throw Overflow();
                }

                value |= bits << shift;
                shift += 7;
            }
            else if (bits != 0)
            {
                throw Overflow();
            }
        }
        while ((b & 0x80) != 0);
        return value;
    }

    /// <summary>Signed LEB128. Padding (sign-extension) bytes are accepted; values outside 64 bits are an error.</summary>
    public long ReadSLeb128()
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = ReadU8();
            if (shift < 64)
            {
                value |= (long)(b & 0x7f) << shift;
                shift += 7;
            }
            else if ((b & 0x7f) != (value < 0 ? 0x7f : 0))
            {
                throw Overflow();
            }
        }
        while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0)
        {
            value |= -1L << shift;
        }

        return value;
    }

    /// <summary>A NUL-terminated byte string of at most <paramref name="maxLength"/> bytes, without the NUL.</summary>
    public ReadOnlySpan<byte> ReadCString(int maxLength)
    {
        var rest = _section[Position..End];
        var length = rest.IndexOf((byte)0);
        if (length < 0)
        {
            throw Error(CfiError.Truncated, "string runs past the end of its entry");
        }

        if (length > maxLength)
        {
            throw Error(CfiError.AugmentationTooLarge, $"augmentation string of {length} bytes exceeds the limit of {maxLength}");
        }

        Position += length + 1;
        return rest[..length];
    }

    public ReadOnlySpan<byte> ReadBytes(ulong length)
    {
        if (length > (ulong)Remaining)
        {
            throw Error(CfiError.Truncated, $"block of {length} bytes runs past the end of its entry");
        }

        return Take((int)length);
    }

    public void Skip(ulong length) => ReadBytes(length);

    public readonly CfiFormatException Error(CfiError error, string message) => new(error, $"at section offset 0x{Position:x}: {message}");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Error(CfiError.Truncated, $"{count}-byte field runs past the end of its entry");
        }

        var span = _section.Slice(Position, count);
        Position += count;
        return span;
    }

    private readonly CfiFormatException Overflow() => Error(CfiError.BadInstruction, "LEB128 value does not fit in 64 bits");
}
