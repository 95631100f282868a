using System.IO.Compression;

namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>gzip helpers for the fakes, with the BCL (not Ember's PayloadDecoder) so the check is independent.</summary>
public static class Gzip
{
    /// <summary>True when the data starts with the gzip magic bytes.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b;

    /// <summary>Decompresses gzip data.</summary>
    public static byte[] Decompress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }

        return output.ToArray();
    }
}
