using System.Buffers.Binary;
using System.Text;

namespace Ember.Profiles.Protobuf;

/// <summary>
/// Appends protobuf fields to a growable buffer. Embedded messages are written in place: a one-byte
/// length is reserved and, in the rare case the body turns out to need a longer varint, the body
/// is shifted once. That keeps encoding single-pass and the output canonical (minimal varints).
/// Default-valued scalars are omitted, as proto3 does, which makes the output deterministic.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer;
    private int _length;

    public ProtoWriter(int initialCapacity = 4096)
    {
        _buffer = new byte[Math.Max(16, initialCapacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Tag(int field, WireType wireType) => Varint(((ulong)(uint)field << 3) | (uint)wireType);

    public void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void VarintField(int field, ulong value)
    {
        if (value != 0)
        {
            Tag(field, WireType.Varint);
            Varint(value);
        }
    }

    public void Int64Field(int field, long value) => VarintField(field, (ulong)value);

    /// <summary>int32 values are sign-extended to 64 bits on the wire, as protobuf requires.</summary>
    public void Int32Field(int field, int value) => VarintField(field, (ulong)(long)value);

    public void BoolField(int field, bool value) => VarintField(field, value ? 1UL : 0UL);

    public void Fixed64Field(int field, ulong value)
    {
        if (value != 0)
        {
            Tag(field, WireType.Fixed64);
            Fixed64(value);
        }
    }

    public void Fixed64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void DoubleField(int field, double value)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        if (bits != 0)
        {
            Tag(field, WireType.Fixed64);
            Fixed64(bits);
        }
    }

    /// <summary>Writes a string field, omitting it when empty.</summary>
    public void StringField(int field, string value)
    {
        if (value.Length != 0)
        {
            StringAlways(field, value);
        }
    }

    /// <summary>Writes a string even when empty (repeated strings, such as table element 0).</summary>
    public void StringAlways(int field, string value)
    {
        Tag(field, WireType.LengthDelimited);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            Ensure(1 + max);
            var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 1));
            _buffer[_length] = (byte)written;
            _length += 1 + written;
        }
        else
        {
            var count = Encoding.UTF8.GetByteCount(value);
            Varint((ulong)count);
            Ensure(count);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        }
    }

    public void BytesField(int field, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            BytesAlways(field, value);
        }
    }

    public void BytesAlways(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)value.Length);
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Packed repeated varints; omitted when empty.</summary>
    public void PackedVarints(int field, ReadOnlySpan<ulong> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var start = BeginMessage(field);
        foreach (var v in values)
        {
            Varint(v);
        }

        EndMessage(start);
    }

    public void PackedInt64s(int field, ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var start = BeginMessage(field);
        foreach (var v in values)
        {
            Varint((ulong)v);
        }

        EndMessage(start);
    }

    public void PackedInt32s(int field, ReadOnlySpan<int> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var start = BeginMessage(field);
        foreach (var v in values)
        {
            Varint((ulong)(long)v);
        }

        EndMessage(start);
    }

    public void PackedFixed64s(int field, ReadOnlySpan<ulong> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        Tag(field, WireType.LengthDelimited);
        Varint((ulong)values.Length * 8);
        Ensure(values.Length * 8);
        foreach (var v in values)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), v);
            _length += 8;
        }
    }

    /// <summary>Starts an embedded message; pass the returned marker to <see cref="EndMessage"/>.</summary>
    public int BeginMessage(int field)
    {
        Tag(field, WireType.LengthDelimited);
        Ensure(1);
        _length++; // one byte reserved for the length
        return _length;
    }

    public void EndMessage(int bodyStart)
    {
        var bodyLength = _length - bodyStart;
        if (bodyLength < 0x80)
        {
            _buffer[bodyStart - 1] = (byte)bodyLength;
            return;
        }

        var extra = VarintSize((ulong)bodyLength) - 1;
        Ensure(extra);
        Array.Copy(_buffer, bodyStart, _buffer, bodyStart + extra, bodyLength);
        var at = bodyStart - 1;
        var value = (ulong)bodyLength;
        while (value >= 0x80)
        {
            _buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[at] = (byte)value;
        _length += extra;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2L, (long)_length + extra);
        if (size > Array.MaxLength)
        {
            size = Math.Max(Array.MaxLength, _length + extra);
        }

        Array.Resize(ref _buffer, (int)size);
    }
}
