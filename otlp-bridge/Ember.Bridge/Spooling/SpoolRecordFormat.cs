using System.Buffers.Binary;
using System.IO.Hashing;

namespace Ember.Bridge.Spooling;

/// <summary>
/// The on-disk layout of spool segments. A segment starts with the 8-byte magic <c>EMBRSPL1</c>;
/// each record is <c>u32 length | u32 crc | payload</c> (little-endian), where the CRC-32 covers the
/// length bytes and the payload. A crash can leave a torn record at the tail: its length runs past
/// the end of the file or its CRC does not match, so the reader stops there and the tail is cut off,
/// never misread as a profile.
/// </summary>
internal static class SpoolRecordFormat
{
    /// <summary>Bytes before a record's payload.</summary>
    public const int HeaderLength = 8;

    /// <summary>No record is larger than this (well above the largest decompressed request).</summary>
    public const int MaxPayloadLength = 1024 * 1024 * 1024;

    /// <summary>First bytes of every segment file.</summary>
    public static ReadOnlySpan<byte> Magic => "EMBRSPL1"u8;

    /// <summary>Writes the header for <paramref name="payload"/> into <paramref name="header"/>.</summary>
    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(header[..4], payload));
    }

    /// <summary>The payload length a header announces, or -1 when it cannot be a record.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length > MaxPayloadLength ? -1 : (int)length;
    }

    /// <summary>True when the payload matches the header's checksum.</summary>
    public static bool IsIntact(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Checksum(header[..4], payload);

    private static uint Checksum(ReadOnlySpan<byte> lengthBytes, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(lengthBytes);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }
}
