using System.Buffers.Binary;
using System.IO.Compression;
using Ember.Profiles;

namespace Ember.Bridge.Receiving;

/// <summary>
/// Decompresses gzip bodies under <c>--max-decompressed-bytes</c>: reading stops at limit + 1 bytes,
/// so a zip bomb costs no more than the limit.
/// </summary>
internal static class GzipPayload
{
    private const int GzipMinimumLength = 18;

    /// <summary>Decompresses gzip data, refusing more than <paramref name="limit"/> bytes of output.</summary>
    /// <exception cref="PayloadTooLargeException">The output exceeds the limit.</exception>
    /// <exception cref="ProfileFormatException">Corrupt or truncated gzip.</exception>
    public static byte[] Decompress(byte[] data, long limit)
    {
        if (data.Length < GzipMinimumLength || data[0] != 0x1F || data[1] != 0x8B)
        {
            throw new ProfileFormatException($"Content-Encoding is gzip but the {data.Length}-byte body is not gzip data");
        }

        byte[] output;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            output = BoundedRead.ReadAsync(gzip, limit, "decompressed body", CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidDataException ex)
        {
            throw new ProfileFormatException($"corrupt gzip body: {ex.Message}", ex);
        }

        // GZipStream stops quietly at a truncated stream; the trailer's ISIZE (RFC 1952) catches that.
        if (BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)) != (uint)output.Length)
        {
            throw new ProfileFormatException($"truncated or corrupt gzip body: the trailer does not match the {output.Length} bytes decompressed");
        }

        return output;
    }
}
