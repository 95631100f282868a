using System.Buffers.Binary;
using System.IO.Compression;
using Ember.Profiles;
using Microsoft.AspNetCore.Http;

namespace Ember.Bridge.Receivers;

/// <summary>
/// Reads HTTP request bodies under the bridge's two limits: the body as it arrives
/// (<c>--max-request-bytes</c>) and what gzip expands it to (<c>--max-decompressed-bytes</c>).
/// Reading stops at limit + 1 bytes, so neither a huge body nor a zip bomb costs more than the limit.
/// </summary>
internal static class RequestPayload
{
    private const int GzipMinimumLength = 18;

    /// <summary>The whole body.</summary>
    /// <exception cref="PayloadTooLargeException">Content-Length or the bytes read exceed <paramref name="limit"/>.</exception>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw new PayloadTooLargeException($"request body is {request.ContentLength} bytes, over the limit of {limit} bytes");
        }

        return await ReadBoundedAsync(request.Body, limit, "request body", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decompresses gzip data, refusing more than <paramref name="limit"/> bytes of output.</summary>
    /// <exception cref="PayloadTooLargeException">The output exceeds the limit.</exception>
    /// <exception cref="ProfileFormatException">Corrupt or truncated gzip.</exception>
    public static byte[] Gunzip(byte[] data, long limit)
    {
        if (data.Length < GzipMinimumLength || data[0] != 0x1F || data[1] != 0x8B)
        {
            throw new ProfileFormatException($"Content-Encoding is gzip but the {data.Length}-byte body is not gzip data");
        }

        byte[] output;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            output = ReadBoundedAsync(gzip, limit, "decompressed body", CancellationToken.None).GetAwaiter().GetResult();
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

    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long limit, string what, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                throw new PayloadTooLargeException($"{what} exceeds the limit of {limit} bytes");
            }
        }

        return buffer.ToArray();
    }
}
