namespace Ember.Profiles.Otlp.Json;

/// <summary>
/// Converts between OTLP/JSON and the protobuf encoding of the same OTLP message, so the JSON
/// codec reuses the binary codec for everything but the syntax. OTLP/JSON follows the protobuf
/// JSON mapping with the OTLP deviations: lowerCamelCase names (snake_case also accepted),
/// 64-bit integers as decimal strings (numbers also accepted), trace, span and profile ids as hex,
/// other bytes as base64, unknown fields ignored.
/// </summary>
internal static class OtlpJsonTranscoder
{
    /// <summary>Reads OTLP/JSON and returns the protobuf encoding of <paramref name="rootMessage"/>.</summary>
    /// <param name="utf8Json">The JSON text, UTF-8 (a byte order mark is ignored).</param>
    /// <param name="rootMessage">The message the document holds, e.g. "ExportProfilesServiceRequest".</param>
    /// <param name="limits">Nesting depth, list length and output size bounds.</param>
    /// <exception cref="ProfileFormatException">The JSON is malformed or does not fit the schema.</exception>
    public static byte[] JsonToProtobuf(ReadOnlySpan<byte> utf8Json, string rootMessage, ProfileReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return OtlpJsonReader.Transcode(utf8Json, OtlpSchema.Get(rootMessage), limits);
    }

    /// <summary>Writes the protobuf encoding of <paramref name="rootMessage"/> as OTLP/JSON (UTF-8).</summary>
    /// <exception cref="ProfileFormatException">The protobuf is malformed or nested deeper than <see cref="OtlpJsonWriter.MaxDepth"/>.</exception>
    public static byte[] ProtobufToJson(ReadOnlySpan<byte> protobuf, string rootMessage, bool indented) =>
        OtlpJsonWriter.Transcode(protobuf, OtlpSchema.Get(rootMessage), indented);
}
