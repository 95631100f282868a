using Ember.Profiles;

namespace Ember.Bridge.Receiving;

/// <summary>The request limits every receiver applies.</summary>
/// <param name="MaxRequestBytes">Largest body as it arrives (<c>--max-request-bytes</c>).</param>
/// <param name="MaxDecompressedBytes">Largest payload after decompression (<c>--max-decompressed-bytes</c>).</param>
internal sealed record ReceiveLimits(long MaxRequestBytes, long MaxDecompressedBytes)
{
    /// <summary>Decoder limits matching the decompressed-size limit.</summary>
    public ProfileReadLimits ReadLimits { get; } = new() { MaxCompressedBytes = MaxDecompressedBytes, MaxDecompressedBytes = MaxDecompressedBytes };
}
