using System.IO.Compression;

namespace Ember.Profiles.Compression;

/// <summary>Gzip-compresses serialized profiles (pprof files on disk must be gzip).</summary>
public static class PayloadEncoder
{
    /// <summary>
    /// Compresses with <see cref="CompressionLevel.Fastest"/>: profiles are written continuously
    /// and are read rarely, so encode speed matters more than the last few percent of size.
    /// </summary>
    public static byte[] Gzip(ReadOnlySpan<byte> payload, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream(payload.Length / 4 + 64);
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return output.ToArray();
    }
}
