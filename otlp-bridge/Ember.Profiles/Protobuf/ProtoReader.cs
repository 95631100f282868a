using System.Buffers.Binary;
using System.Text;

namespace Ember.Profiles.Protobuf;

/// <summary>
/// Forward-only protobuf reader over a span. Every read is bounds-checked and failures throw
/// <see cref="ProfileFormatException"/> naming the message, field and absolute byte offset, so a
/// truncated or corrupt payload can never surface as an index or overflow exception.
/// </summary>
internal ref struct ProtoReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _baseOffset;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> buffer, int baseOffset = 0, string message = "message")
    {
        _buffer = buffer;
        _baseOffset = baseOffset;
        _position = 0;
        Message = message;
    }

    /// <summary>Name of the message being read, used in error messages.</summary>
    public string Message { get; }

    public readonly bool End => _position >= _buffer.Length;

    /// <summary>Absolute offset of the next byte in the outermost buffer.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Reads the next tag; returns false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (End)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        var at = Offset;
        var tag = ReadVarint();
        if (tag > int.MaxValue)
        {
            throw Error(at, $"tag {tag} out of range");
        }

        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field == 0)
        {
            throw Error(at, "field number 0 is invalid");
        }

        if (wireType > WireType.Fixed32)
        {
            throw Error(at, $"invalid wire type {(int)wireType} for field {field}");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw Error(Offset, "truncated varint");
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error(Offset, "varint longer than 10 bytes");
    }

    /// <summary>Counts the varints left in a packed field (bytes without the continuation bit), to presize lists.</summary>
    public readonly int CountVarints()
    {
        var count = 0;
        foreach (var b in _buffer[_position..])
        {
            if (b < 0x80)
            {
                count++;
            }
        }

        return count;
    }

    public ulong ReadFixed64()
    {
        if (_buffer.Length - _position < 8)
        {
            throw Error(Offset, "truncated fixed64");
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        if (_buffer.Length - _position < 4)
        {
            throw Error(Offset, "truncated fixed32");
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[_position..]);
        _position += 4;
        return value;
    }

    /// <summary>Reads a length prefix and returns the bytes it covers, checked against what remains.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int startOffset)
    {
        var at = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Error(at, $"length {length} exceeds the {_buffer.Length - _position} bytes left");
        }

        startOffset = Offset;
        var slice = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString()
    {
        var bytes = ReadBytes(out var start);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProfileFormatException($"{Message}: invalid UTF-8 in string at offset {start}", ex);
        }
    }

    /// <summary>Opens a sub-reader over an embedded message.</summary>
    public ProtoReader ReadMessage(string message)
    {
        var bytes = ReadBytes(out var start);
        return new ProtoReader(bytes, start, message);
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads a varint field's value after checking it arrived as a varint.</summary>
    public ulong ReadVarintField(int field, WireType wireType)
    {
        Expect(field, wireType, WireType.Varint);
        return ReadVarint();
    }

    /// <summary>Reads an int64 field's value after checking it arrived as a varint.</summary>
    public long ReadInt64Field(int field, WireType wireType) => (long)ReadVarintField(field, wireType);

    /// <summary>Reads an int32 field's value after checking its wire type and range.</summary>
    public int ReadInt32Field(int field, WireType wireType)
    {
        Expect(field, wireType, WireType.Varint);
        return ReadInt32(field);
    }

    public int ReadInt32(int field)
    {
        var at = Offset;
        var value = (long)ReadVarint();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Error(at, $"field {field}: value {value} does not fit int32");
        }

        return (int)value;
    }

    public uint ReadUInt32(int field)
    {
        var at = Offset;
        var value = ReadVarint();
        if (value > uint.MaxValue)
        {
            throw Error(at, $"field {field}: value {value} does not fit uint32");
        }

        return (uint)value;
    }

    public bool ReadBool() => ReadVarint() != 0;

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Skips a field of a type the schema does not know (forward compatibility).</summary>
    public void Skip(int field, WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                ReadFixed64();
                break;
            case WireType.LengthDelimited:
                ReadBytes(out _);
                break;
            case WireType.Fixed32:
                ReadFixed32();
                break;
            default:
                throw Error(Offset, $"field {field}: groups (wire type {(int)wireType}) are not supported");
        }
    }

    /// <summary>Fails unless the field arrived with the wire type the schema gives it.</summary>
    public readonly void Expect(int field, WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw Error(Offset, $"field {field} has wire type {(int)actual}, expected {(int)expected}");
        }
    }

    /// <summary>
    /// Reads a repeated varint field in either packed or unpacked encoding (parsers must accept both).
    /// </summary>
    public void ReadRepeatedVarint<T>(int field, WireType wireType, List<T> into, Func<ulong, T> convert, int maxEntries)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = ReadMessage(Message);
            into.EnsureCapacity(into.Count + Math.Min(packed.CountVarints(), maxEntries));
            while (!packed.End)
            {
                CheckCount(into.Count, maxEntries, field);
                into.Add(convert(packed.ReadVarint()));
            }
        }
        else
        {
            Expect(field, wireType, WireType.Varint);
            CheckCount(into.Count, maxEntries, field);
            into.Add(convert(ReadVarint()));
        }
    }

    /// <summary>Reads a repeated fixed64 field in either packed or unpacked encoding.</summary>
    public void ReadRepeatedFixed64(int field, WireType wireType, List<ulong> into, int maxEntries)
    {
        if (wireType == WireType.LengthDelimited)
        {
            var packed = ReadMessage(Message);
            while (!packed.End)
            {
                CheckCount(into.Count, maxEntries, field);
                into.Add(packed.ReadFixed64());
            }
        }
        else
        {
            Expect(field, wireType, WireType.Fixed64);
            CheckCount(into.Count, maxEntries, field);
            into.Add(ReadFixed64());
        }
    }

    public readonly void CheckCount(int count, int maxEntries, int field)
    {
        if (count >= maxEntries)
        {
            throw Error(Offset, $"field {field} has more than {maxEntries} entries");
        }
    }

    public readonly ProfileFormatException Error(int offset, string detail) =>
        new($"{Message}: {detail} at offset {offset}");
}
