namespace Ember.Profiles;

/// <summary>
/// Bounds a decoder enforces so that hostile input cannot make it allocate without limit.
/// Every table and list grows only as bytes are consumed, so memory stays proportional to the
/// (bounded) decompressed size; these limits cut that further.
/// </summary>
public sealed record ProfileReadLimits
{
    /// <summary>Default limits: 64 MiB on the wire, 256 MiB decompressed, 16 Mi entries per table.</summary>
    public static ProfileReadLimits Default { get; } = new();

    /// <summary>Largest accepted input as it arrives (possibly gzip-compressed).</summary>
    public long MaxCompressedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest accepted payload after gzip decompression (the zip-bomb guard).</summary>
    public long MaxDecompressedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most entries in any one table or repeated field (strings, samples, locations, values...).</summary>
    public int MaxTableEntries { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of messages (protects the stack against recursive AnyValue arrays).</summary>
    public int MaxNestingDepth { get; init; } = 64;
}
