using System.Buffers.Binary;
using System.Text;

namespace Ember.Symbols.Dwarf;

/// <summary>Reads DWARF's little-endian encodings from a section; every read past the end is a <see cref="DwarfFormatException"/>.</summary>
internal ref struct DwarfCursor(ReadOnlySpan<byte> data, int position = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; set; } = position;

    public readonly int Length => _data.Length;

    public readonly bool AtEnd => Position >= _data.Length;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>An unsigned integer of <paramref name="size"/> bytes (1, 2, 4 or 8).</summary>
    public ulong Unsigned(int size) => size switch
    {
        1 => U8(),
        2 => U16(),
        4 => U32(),
        8 => U64(),
        _ => throw new DwarfFormatException($"unsupported integer size {size}"),
    };

    public ulong Uleb()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = U8();
            if (shift < 64)
            {
                value |= (ulong)(b & 0x7f) << shift;
            }
            else if ((b & 0x7f) != 0)
            {
                throw new DwarfFormatException($"LEB128 at {Position} overflows 64 bits");
            }

            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    public long Sleb()
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = U8();
            if (shift < 64)
            {
                value |= (long)(b & 0x7f) << shift;
            }
            else if ((b & 0x7f) is not (0 or 0x7f))
            {
                throw new DwarfFormatException($"LEB128 at {Position} overflows 64 bits");
            }

            shift += 7;
        }
        while ((b & 0x80) != 0);

        return shift < 64 && (b & 0x40) != 0 ? value | (-1L << shift) : value;
    }

    /// <summary>A NUL-terminated string.</summary>
    public string CString()
    {
        var rest = _data[Position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new DwarfFormatException($"string at {Position} has no terminator");
        }

        Position += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    public void Skip(ulong count)
    {
        if (count > (ulong)(_data.Length - Position))
        {
            throw new DwarfFormatException($"{count} bytes at {Position} run past the section's {_data.Length}");
        }

        Position += (int)count;
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - Position)
        {
            throw new DwarfFormatException($"{count} bytes at {Position} run past the section's {_data.Length}");
        }

        var span = _data.Slice(Position, count);
        Position += count;
        return span;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of <paramref name="section"/>.</summary>
    public static string StringAt(ReadOnlySpan<byte> section, ulong offset)
    {
        if (offset >= (ulong)section.Length)
        {
            throw new DwarfFormatException($"string offset {offset} is outside its section of {section.Length} bytes");
        }

        return new DwarfCursor(section, (int)offset).CString();
    }
}
