using System.Text;
using Ember.Profiles;
using Ember.Profiles.Tests.Oracle.Collector;
using Google.Protobuf;

namespace Ember.Otlp.Tests;

/// <summary>The response codec against bodies written by the Google.Protobuf oracle (binary and JSON).</summary>
public sealed class ExportResponseCodecTests
{
    private static readonly ExportProfilesServiceResponse Rejecting = new()
    {
        PartialSuccess = new ExportProfilesPartialSuccess { RejectedProfiles = 300, ErrorMessage = "too old" },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_empty_body_rejected_nothing(bool json) =>
        Assert.Equal(ExportPartialSuccess.None, ExportResponseCodec.Decode([], json));

    [Fact]
    public void Protobuf_partial_success_yields_the_count_and_message() =>
        Assert.Equal(new ExportPartialSuccess(300, "too old"), ExportResponseCodec.Decode(Rejecting.ToByteArray(), json: false));

    [Fact]
    public void Json_partial_success_with_int64_as_a_string_yields_the_count_and_message()
    {
        var json = JsonFormatter.Default.Format(Rejecting);
        Assert.Contains("\"300\"", json, StringComparison.Ordinal);

        Assert.Equal(new ExportPartialSuccess(300, "too old"), ExportResponseCodec.Decode(Encoding.UTF8.GetBytes(json), json: true));
    }

    [Fact]
    public void Json_int64_as_a_number_is_read_too() =>
        Assert.Equal(new ExportPartialSuccess(5, ""), ExportResponseCodec.Decode("""{"partialSuccess":{"rejectedProfiles":5}}"""u8, json: true));

    [Fact]
    public void An_empty_json_object_rejected_nothing() =>
        Assert.Equal(ExportPartialSuccess.None, ExportResponseCodec.Decode("{}"u8, json: true));

    [Fact]
    public void Unknown_protobuf_fields_around_partial_success_are_skipped()
    {
        byte[] unknown = [0x18, 0x96, 0x01, 0x25, 1, 2, 3, 4, 0x2A, 0x02, 0xAB, 0xCD];

        Assert.Equal(new ExportPartialSuccess(300, "too old"), ExportResponseCodec.Decode([.. unknown, .. Rejecting.ToByteArray(), .. unknown], json: false));
    }

    [Fact]
    public void A_truncated_protobuf_body_is_a_format_error()
    {
        var bytes = Rejecting.ToByteArray();

        Assert.Throws<ProfileFormatException>(() => ExportResponseCodec.Decode(bytes.AsSpan(0, bytes.Length - 3), json: false));
    }

    [Fact]
    public void Malformed_json_is_a_format_error() =>
        Assert.Throws<ProfileFormatException>(() => ExportResponseCodec.Decode("{\"partialSuccess\":"u8, json: true));

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON", true)]
    [InlineData("application/x-protobuf", false)]
    [InlineData(null, false)]
    public void Json_is_recognised_by_media_type(string? mediaType, bool json) => Assert.Equal(json, ExportResponseCodec.IsJson(mediaType));
}
