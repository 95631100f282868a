using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Ember.Profiles.Compression;

/// <summary>
/// Turns bytes as they arrive (raw or gzip) into the serialized message, enforcing the compressed
/// and decompressed size limits. Decompression reads at most limit+1 bytes, so a zip bomb is
/// detected after a bounded amount of work and memory.
/// </summary>
public static class PayloadDecoder
{
    private const int GzipMinimumLength = 18; // 10-byte header + empty deflate block + 8-byte trailer

    /// <summary>True when the bytes start with the gzip magic number 1f 8b.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1F && data[1] == 0x8B;

    /// <summary>Returns the payload, decompressed when gzip-compressed.</summary>
    /// <exception cref="ProfileFormatException">Oversized input, a zip bomb, or corrupt gzip.</exception>
    public static ReadOnlyMemory<byte> Decode(ReadOnlyMemory<byte> data, ProfileReadLimits limits)
    {
        if (data.Length > limits.MaxCompressedBytes)
        {
            throw new ProfileFormatException(
                $"input is {data.Length} bytes, over the limit of {limits.MaxCompressedBytes} bytes");
        }

        if (!IsGzip(data.Span))
        {
            if (data.Length > limits.MaxDecompressedBytes)
            {
                throw new ProfileFormatException(
                    $"payload is {data.Length} bytes, over the limit of {limits.MaxDecompressedBytes} bytes");
            }

            return data;
        }

        // .NET's GZipStream stops quietly at a truncated stream, so check the member trailer:
        // its last four bytes hold the decompressed size modulo 2^32 (RFC 1952, ISIZE).
        if (data.Length < GzipMinimumLength)
        {
            throw new ProfileFormatException($"truncated gzip data: {data.Length} bytes is shorter than a gzip header and trailer");
        }

        using var source = MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
        var payload = Gunzip(source, limits.MaxDecompressedBytes, data.Length);
        var declaredSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Span[^4..]);
        if (declaredSize != (uint)payload.Length)
        {
            throw new ProfileFormatException(
                $"truncated or corrupt gzip data: the trailer declares {declaredSize} bytes but {payload.Length} were decompressed " +
                "(multi-member gzip files are not supported)");
        }

        return payload;
    }

    /// <summary>Reads a whole stream (raw or gzip) under the limits and decompresses it.</summary>
    public static ReadOnlyMemory<byte> Decode(Stream stream, ProfileReadLimits limits) => Decode(ReadAll(stream, limits), limits);

    /// <summary>Reads a whole stream as it is (no decompression), refusing more than the compressed limit.</summary>
    public static ReadOnlyMemory<byte> ReadAll(Stream stream, ProfileReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        return ReadBounded(stream, limits.MaxCompressedBytes, "input", stream.CanSeek ? stream.Length : 0);
    }

    private static ReadOnlyMemory<byte> Gunzip(Stream source, long maxDecompressed, long compressedLength)
    {
        try
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress);

            // Profiles typically compress 4-8x; start there (bounded) to avoid repeated regrowth.
            return ReadBounded(gzip, maxDecompressed, "decompressed payload", Math.Min(compressedLength * 6, maxDecompressed));
        }
        catch (InvalidDataException ex)
        {
            throw new ProfileFormatException($"corrupt gzip data: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new ProfileFormatException("truncated gzip data", ex);
        }
    }

    private static ReadOnlyMemory<byte> ReadBounded(Stream stream, long limit, string what, long expectedLength)
    {
        using var buffer = new MemoryStream((int)Math.Clamp(expectedLength, 0, Math.Min(limit, Array.MaxLength)));
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - total))) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new ProfileFormatException($"{what} exceeds the limit of {limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        // The stream's own buffer is handed out (no copy); nothing else holds it.
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
