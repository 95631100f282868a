using Ember.Profiles.Compression;
using Ember.Profiles.Otlp.Json;

namespace Ember.Profiles.Otlp;

/// <summary>
/// Reads and writes OTLP profiles as OTLP/JSON: the <c>application/json</c> body of
/// <c>POST /v1development/profiles</c> and the Collector's JSON files. The JSON is transcoded to
/// and from the protobuf encoding, so <see cref="OtlpCodec"/> resolves and validates the profiles
/// exactly as it does for binary OTLP.
/// </summary>
public static class OtlpJsonCodec
{
    // ExportProfilesServiceRequest has the same fields, so either document decodes.
    private const string RootMessage = "ProfilesData";

    /// <summary>Decodes an OTLP/JSON <c>ProfilesData</c> or <c>ExportProfilesServiceRequest</c>.</summary>
    /// <param name="utf8Json">The JSON as UTF-8, raw or gzip-compressed (detected by its magic number).</param>
    /// <param name="limits">Size, nesting and table bounds; <see cref="ProfileReadLimits.Default"/> when null.</param>
    /// <returns>The profiles with every dictionary reference resolved.</returns>
    /// <exception cref="ProfileFormatException">
    /// The input exceeds a limit, is not valid JSON, does not fit the OTLP schema (the message names
    /// the JSON path), or describes invalid profiles.
    /// </exception>
    public static ProfilesData Decode(ReadOnlyMemory<byte> utf8Json, ProfileReadLimits? limits = null)
    {
        limits ??= ProfileReadLimits.Default;
        return DecodeUncompressed(PayloadDecoder.Decode(utf8Json, limits), limits);
    }

    /// <summary>
    /// Decodes JSON that is already decompressed. The transcoder holds the protobuf it produces to
    /// <see cref="ProfileReadLimits.MaxDecompressedBytes"/>, so it goes straight to the decoder.
    /// </summary>
    internal static ProfilesData DecodeUncompressed(ReadOnlyMemory<byte> json, ProfileReadLimits limits) =>
        OtlpDecoder.Decode(OtlpJsonTranscoder.JsonToProtobuf(json.Span, RootMessage, limits), limits);

    /// <summary>Encodes profiles as OTLP/JSON (UTF-8, uncompressed).</summary>
    /// <param name="data">The profiles.</param>
    /// <param name="indented">True for two-space indented output, false for the compact form.</param>
    /// <returns>
    /// Deterministic OTLP/JSON: lowerCamelCase names in field-number order, 64-bit integers as decimal
    /// strings, trace, span and profile ids as lowercase hex, other bytes as base64, defaults omitted.
    /// </returns>
    /// <exception cref="ProfileFormatException">Attribute values nested deeper than 256 levels.</exception>
    public static byte[] Encode(ProfilesData data, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        return OtlpJsonTranscoder.ProtobufToJson(OtlpCodec.Encode(data), RootMessage, indented);
    }
}
