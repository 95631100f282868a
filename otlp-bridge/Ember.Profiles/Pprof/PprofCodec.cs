using Ember.Profiles.Compression;

namespace Ember.Profiles.Pprof;

/// <summary>
/// Reads and writes pprof (perftools.profiles.Profile) bytes: gzip-compressed as on disk, or raw.
/// </summary>
public static class PprofCodec
{
    /// <summary>Decodes a profile; gzip is detected from the magic bytes.</summary>
    /// <exception cref="ProfileFormatException">Malformed, truncated, oversized or inconsistent input.</exception>
    public static Profile Decode(ReadOnlyMemory<byte> data, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        var payload = PayloadDecoder.Decode(data, limits);
        return PprofDecoder.Decode(payload, limits);
    }

    /// <summary>Reads a profile file (gzip or raw).</summary>
    public static Profile ReadFile(string path, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        using var stream = File.OpenRead(path);
        var payload = PayloadDecoder.Decode(stream, limits);
        return PprofDecoder.Decode(payload, limits);
    }

    /// <summary>Serializes a profile without compression.</summary>
    public static byte[] Encode(Profile profile) => PprofEncoder.Encode(profile);

    /// <summary>Serializes and gzip-compresses a profile, the form pprof files take on disk.</summary>
    public static byte[] EncodeGzip(Profile profile) => PayloadEncoder.Gzip(PprofEncoder.Encode(profile));
}
