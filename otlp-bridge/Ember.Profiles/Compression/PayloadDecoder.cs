using System.IO.Compression;

namespace Ember.Profiles.Compression;

/// <summary>
/// Turns bytes as they arrive (raw or gzip) into the serialized message, enforcing the compressed
/// and decompressed size limits. Decompression reads at most limit+1 bytes, so a zip bomb is
/// detected after a bounded amount of work and memory.
/// </summary>
public static class PayloadDecoder
{
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

        using var source = new MemoryStream(data.ToArray(), writable: false);
        return Gunzip(source, limits.MaxDecompressedBytes);
    }

    /// <summary>Reads a whole stream (raw or gzip) under the limits.</summary>
    public static ReadOnlyMemory<byte> Decode(Stream stream, ProfileReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(limits);
        var raw = ReadBounded(stream, limits.MaxCompressedBytes, "input");
        return Decode(raw, limits);
    }

    private static byte[] Gunzip(Stream source, long maxDecompressed)
    {
        try
        {
            using var gzip = new GZipStream(source, CompressionMode.Decompress);
            return ReadBounded(gzip, maxDecompressed, "decompressed payload");
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

    private static byte[] ReadBounded(Stream stream, long limit, string what)
    {
        using var buffer = new MemoryStream();
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

        return buffer.ToArray();
    }
}
