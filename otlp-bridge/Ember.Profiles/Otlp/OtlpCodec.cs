using Ember.Profiles.Compression;

namespace Ember.Profiles.Otlp;

/// <summary>
/// Reads and writes OTLP profiles in binary protobuf: <c>ProfilesData</c> and
/// <c>ExportProfilesServiceRequest</c> share one wire shape, so one codec serves both.
/// </summary>
public static class OtlpCodec
{
    /// <summary>Decodes OTLP profiles; gzip is detected from the magic bytes.</summary>
    /// <exception cref="ProfileFormatException">Malformed, truncated, oversized or out-of-range input.</exception>
    public static ProfilesData Decode(ReadOnlyMemory<byte> data, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        var payload = PayloadDecoder.Decode(data, limits);
        return OtlpDecoder.Decode(payload, limits);
    }

    /// <summary>Serializes OTLP profiles without compression.</summary>
    public static byte[] Encode(ProfilesData data) => OtlpEncoder.Encode(data);
}
