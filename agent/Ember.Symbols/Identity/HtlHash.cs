using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Ember.Symbols.Identity;

/// <summary>
/// The content-derived file ID the OpenTelemetry eBPF profiler calls FileID and semantic conventions
/// call <c>process.executable.build_id.htlhash</c>: SHA-256 over the first 4096 bytes, the last 4096
/// bytes and the file length as a big-endian 64-bit integer, truncated to 16 bytes, as lowercase hex.
/// </summary>
/// <remarks>
/// "Head, tail, length" needs only two reads however large the binary, and works for files without
/// any build ID note. For files shorter than 8 KiB the head and tail overlap; nothing is padded.
/// </remarks>
public static class HtlHash
{
    /// <summary>Bytes hashed from each end of the file.</summary>
    public const int PageSize = 4096;

    /// <summary>Computes the htlhash of the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Compute(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return Compute(handle);
    }

    /// <summary>Computes the htlhash of an open file.</summary>
    /// <exception cref="IOException">The file cannot be read or changed size while being read.</exception>
    public static string Compute(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var length = RandomAccess.GetLength(handle);
        var pageBytes = (int)Math.Min(PageSize, length);
        var input = new byte[(2 * pageBytes) + sizeof(ulong)];
        ReadFully(handle, input.AsSpan(0, pageBytes), 0);
        ReadFully(handle, input.AsSpan(pageBytes, pageBytes), length - pageBytes);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(2 * pageBytes), (ulong)length);
        return HashInput(input);
    }

    /// <summary>Computes the htlhash of a file's complete contents held in memory.</summary>
    public static string Compute(ReadOnlySpan<byte> contents)
    {
        var pageBytes = Math.Min(PageSize, contents.Length);
        var input = new byte[(2 * pageBytes) + sizeof(ulong)];
        contents[..pageBytes].CopyTo(input);
        contents[^pageBytes..].CopyTo(input.AsSpan(pageBytes));
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(2 * pageBytes), (ulong)contents.Length);
        return HashInput(input);
    }

    private static string HashInput(ReadOnlySpan<byte> input)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    private static void ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                throw new IOException("file shrank while computing its htlhash");
            }

            total += read;
        }
    }
}
