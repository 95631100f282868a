using Ember.Profiles.Otlp.Json;
using Google.Protobuf;

namespace Ember.Profiles.Tests.Json;

/// <summary>Protobuf that cannot be written as OTLP/JSON fails with a <see cref="ProfileFormatException"/>.</summary>
public class OtlpJsonMalformedProtobufTests
{
    [Theory]
    [InlineData(new byte[] { 0x0A, 0x00 }, "field 1 has wire type 2, expected 0")]
    [InlineData(new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x10 }, "field 1: value 4294967296 does not fit int32")]
    [InlineData(new byte[] { 0x12, 0x05, 0x01 }, "length 5 exceeds the 1 bytes left")]
    [InlineData(new byte[] { 0x20, 0xFF }, "truncated varint")]
    [InlineData(new byte[] { 0x21, 1, 2, 3, 4, 5, 6, 7, 8 }, "field 4 has wire type 1, expected 0")]
    [InlineData(new byte[] { 0x2A, 0x03, 1, 2, 3 }, "truncated fixed64")]
    [InlineData(new byte[] { 0x2A, 0x03, 0x01 }, "length 3 exceeds the 1 bytes left")]
    [InlineData(new byte[] { 0x2B }, "groups (wire type 3) are not supported")]
    [InlineData(new byte[] { 0x00 }, "field number 0 is invalid")]
    public void Malformed_sample_bytes_are_format_errors(byte[] protobuf, string expected)
    {
        var error = Assert.Throws<ProfileFormatException>(() => OtlpJsonTranscoder.ProtobufToJson(protobuf, "Sample", indented: false));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_field_is_a_format_error()
    {
        var error = Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.ProtobufToJson([0x4A, 0x02, 0x61, 0xFF], "Profile", indented: false));

        Assert.Equal("original_payload_format: invalid UTF-8 in string at offset 2", error.Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_request_either_transcodes_or_is_a_format_error()
    {
        var bytes = OracleMessages.Rich().ToByteArray();

        for (var length = 0; length < bytes.Length; length++)
        {
            try
            {
                OtlpJsonTranscoder.ProtobufToJson(bytes.AsSpan(0, length), OracleMessages.RequestName, indented: false);
            }
            catch (ProfileFormatException)
            {
                // expected for most cut points
            }
        }
    }

    [Fact]
    public void A_hundred_thousand_nested_AnyValues_stop_at_the_depth_limit_without_exhausting_the_stack()
    {
        var error = Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.ProtobufToJson(NestedAnyValues(100_000), "AnyValue", indented: true));

        Assert.Equal($"AnyValue: messages nested deeper than {OtlpJsonWriter.MaxDepth} levels", error.Message);
    }

    [Fact]
    public void Nesting_within_the_depth_limit_is_written()
    {
        // AnyValue and ArrayValue alternate, so 127 AnyValues make 253 message levels.
        var json = OtlpJsonTranscoder.ProtobufToJson(NestedAnyValues(126), "AnyValue", indented: false);

        Assert.Equal(126, System.Text.Encoding.UTF8.GetString(json).Split("arrayValue").Length - 1);
    }

    /// <summary>AnyValue{array_value: ArrayValue{values: [AnyValue{...}]}} nested <paramref name="levels"/> times, built in linear time.</summary>
    private static byte[] NestedAnyValues(int levels)
    {
        // Lengths from the inside out: anyValue[i] is the body length of the AnyValue holding i arrays.
        var anyValue = new long[levels + 1];
        var arrayValue = new long[levels + 1];
        for (var i = 1; i <= levels; i++)
        {
            arrayValue[i] = 1 + CodedOutputStream.ComputeLengthSize((int)anyValue[i - 1]) + anyValue[i - 1];
            anyValue[i] = 1 + CodedOutputStream.ComputeLengthSize((int)arrayValue[i]) + arrayValue[i];
        }

        var output = new byte[anyValue[levels]];
        var stream = new CodedOutputStream(output);
        for (var i = levels; i >= 1; i--)
        {
            stream.WriteTag(5, WireFormat.WireType.LengthDelimited); // AnyValue.array_value
            stream.WriteLength((int)arrayValue[i]);
            stream.WriteTag(1, WireFormat.WireType.LengthDelimited); // ArrayValue.values
            stream.WriteLength((int)anyValue[i - 1]);
        }

        stream.CheckNoSpaceLeft();
        return output;
    }
}
