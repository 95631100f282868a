using Ember.Profiles;
using Ember.Profiles.Otlp.Json;
using Ember.Profiles.Protobuf;

namespace Ember.Otlp;

/// <summary>
/// Reads <c>ExportProfilesServiceResponse{partial_success(1){rejected_profiles(1), error_message(2)}}</c>
/// in protobuf or OTLP/JSON (an OTLP/HTTP server may answer <c>application/json</c>, int64 as a
/// decimal string). JSON goes through Ember.Profiles' schema-driven transcoder and both end in its
/// protobuf reader, so there is one reader of each format in the suite.
/// </summary>
public static class ExportResponseCodec
{
    private const int PartialSuccessField = 1;
    private const int RejectedProfilesField = 1;
    private const int ErrorMessageField = 2;

    /// <summary>True for the OTLP/JSON media type (parameters such as charset are not part of <paramref name="mediaType"/>).</summary>
    public static bool IsJson(string? mediaType) => string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes a response body; an empty body is a full acceptance.</summary>
    /// <param name="body">The uncompressed body.</param>
    /// <param name="json">True for OTLP/JSON, false for protobuf.</param>
    /// <exception cref="ProfileFormatException">The body is not a valid response in that format.</exception>
    public static ExportPartialSuccess Decode(ReadOnlySpan<byte> body, bool json)
    {
        if (body.IsEmpty)
        {
            return ExportPartialSuccess.None;
        }

        ReadOnlySpan<byte> protobuf = json ? OtlpJsonTranscoder.JsonToProtobuf(body, "ExportProfilesServiceResponse", ProfileReadLimits.Default) : body;
        var result = ExportPartialSuccess.None;
        var reader = new ProtoReader(protobuf, 0, "ExportProfilesServiceResponse");
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == PartialSuccessField)
            {
                reader.Expect(field, wireType, WireType.LengthDelimited);
                result = ReadPartialSuccess(reader.ReadMessage("ExportProfilesPartialSuccess"));
            }
            else
            {
                reader.Skip(field, wireType);
            }
        }

        return result;
    }

    private static ExportPartialSuccess ReadPartialSuccess(ProtoReader reader)
    {
        long rejected = 0;
        var message = "";
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case RejectedProfilesField:
                    rejected = reader.ReadInt64Field(field, wireType);
                    break;
                case ErrorMessageField:
                    reader.Expect(field, wireType, WireType.LengthDelimited);
                    message = reader.ReadString();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return new ExportPartialSuccess(rejected, message);
    }
}
