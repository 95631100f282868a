using System.Text;
using Ember.Profiles.Otlp.Json;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.Profiles.Tests.Oracle.Common;
using Ember.Profiles.Tests.Oracle.Profiles;
using Google.Protobuf;
using ValueType = Ember.Profiles.Tests.Oracle.Profiles.ValueType;

namespace Ember.Profiles.Tests.Json;

/// <summary>protobuf → OTLP/JSON → protobuf must give back the same message, checked with the oracle types.</summary>
public class OtlpJsonRoundTripTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rich_request_survives_protobuf_to_json_and_back(bool indented)
    {
        var original = OracleMessages.Rich();

        var json = OtlpJsonTranscoder.ProtobufToJson(original.ToByteArray(), OracleMessages.RequestName, indented);
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default);

        Assert.Equal(original, ExportProfilesServiceRequest.Parser.ParseFrom(protobuf));
    }

    [Fact]
    public void Canonical_protobuf_comes_back_byte_for_byte()
    {
        var original = OracleMessages.Rich().ToByteArray();

        var json = OtlpJsonTranscoder.ProtobufToJson(original, OracleMessages.RequestName, indented: false);

        Assert.Equal(original, OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default));
    }

    [Fact]
    public void ProfilesData_root_has_the_same_json_as_the_export_request()
    {
        var bytes = OracleMessages.Rich().ToByteArray();

        var asRequest = OtlpJsonTranscoder.ProtobufToJson(bytes, OracleMessages.RequestName, indented: false);
        var asData = OtlpJsonTranscoder.ProtobufToJson(bytes, "ProfilesData", indented: false);

        Assert.Equal(asRequest, asData);
        var back = OtlpJsonTranscoder.JsonToProtobuf(asData, "ProfilesData", ProfileReadLimits.Default);
        Assert.Equal(ProfilesData.Parser.ParseFrom(bytes), ProfilesData.Parser.ParseFrom(back));
    }

    [Fact]
    public void Json_written_by_Google_Protobuf_is_read_back_to_the_same_message()
    {
        // Without ids: Google's generic mapping writes them as base64, OTLP/JSON as hex.
        var original = OracleMessages.Rich(withIds: false);
        var googleJson = JsonFormatter.Default.Format(original);

        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(Encoding.UTF8.GetBytes(googleJson), OracleMessages.RequestName, ProfileReadLimits.Default);

        Assert.Equal(original, ExportProfilesServiceRequest.Parser.ParseFrom(protobuf));
    }

    [Fact]
    public void Json_we_write_is_read_by_Google_Protobuf_to_the_same_message()
    {
        var original = OracleMessages.Rich(withIds: false);

        var json = OtlpJsonTranscoder.ProtobufToJson(original.ToByteArray(), OracleMessages.RequestName, indented: true);

        Assert.Equal(original, JsonParser.Default.Parse<ExportProfilesServiceRequest>(Encoding.UTF8.GetString(json)));
    }

    [Fact]
    public void Output_is_deterministic_and_in_field_number_order_whatever_the_wire_order()
    {
        var profile = OracleMessages.Rich().ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        var canonical = profile.ToByteArray();

        // Concatenating single-field copies in reverse field order gives the same message with the fields reversed on the wire.
        var fields = Profile.Descriptor.Fields.InFieldNumberOrder();
        var reversed = fields.Reverse()
            .SelectMany(field =>
            {
                var single = profile.Clone();
                foreach (var other in fields.Where(f => f != field))
                {
                    other.Accessor.Clear(single);
                }

                return single.ToByteArray();
            })
            .ToArray();
        Assert.Equal(profile, Profile.Parser.ParseFrom(reversed));
        Assert.NotEqual(canonical, reversed);

        var fromCanonical = OtlpJsonTranscoder.ProtobufToJson(canonical, "Profile", indented: false);
        var fromReversed = OtlpJsonTranscoder.ProtobufToJson(reversed, "Profile", indented: false);

        Assert.Equal(fromCanonical, fromReversed);
        Assert.Equal(fromCanonical, OtlpJsonTranscoder.ProtobufToJson(canonical, "Profile", indented: false));
    }

    [Fact]
    public void Unpacked_repeated_numbers_are_read_like_packed_ones()
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(4, WireFormat.WireType.Varint);
        output.WriteInt64(-7);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(3);
        output.WriteTag(4, WireFormat.WireType.Varint);
        output.WriteInt64(8);
        output.WriteTag(5, WireFormat.WireType.Fixed64);
        output.WriteFixed64(ulong.MaxValue);
        output.WriteTag(2, WireFormat.WireType.Varint);
        output.WriteInt32(-1);
        output.Flush();
        var unpacked = stream.ToArray();

        var json = OtlpJsonTranscoder.ProtobufToJson(unpacked, "Sample", indented: false);

        Assert.Equal("""{"stackIndex":3,"attributeIndices":[-1],"values":["-7","8"],"timestampsUnixNano":["18446744073709551615"]}""", Encoding.UTF8.GetString(json));
        var expected = Sample.Parser.ParseFrom(unpacked);
        Assert.Equal(expected, Sample.Parser.ParseFrom(OtlpJsonTranscoder.JsonToProtobuf(json, "Sample", ProfileReadLimits.Default)));
    }

    [Fact]
    public void Concatenated_requests_merge_as_protobuf_merges_them()
    {
        // Protobuf parses a concatenation as a merge: lists append, the singular dictionary merges.
        var first = OracleMessages.Rich();
        var second = OracleMessages.Rich(withIds: false);
        var concatenated = first.ToByteArray().Concat(second.ToByteArray()).ToArray();
        var expected = ExportProfilesServiceRequest.Parser.ParseFrom(concatenated);

        var json = OtlpJsonTranscoder.ProtobufToJson(concatenated, OracleMessages.RequestName, indented: false);
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default);

        Assert.Equal(expected, ExportProfilesServiceRequest.Parser.ParseFrom(protobuf));
        Assert.Equal(first.ResourceProfiles.Count * 2, expected.ResourceProfiles.Count);
    }

    [Fact]
    public void A_singular_message_field_split_on_the_wire_is_merged_and_later_scalars_win()
    {
        var first = new Profile { SampleType = new ValueType { TypeStrindex = 1, UnitStrindex = 2 }, Period = 5 };
        var second = new Profile { SampleType = new ValueType { UnitStrindex = 3 }, Period = 7, TimeUnixNano = 9 };
        var concatenated = first.ToByteArray().Concat(second.ToByteArray()).ToArray();

        var json = Encoding.UTF8.GetString(OtlpJsonTranscoder.ProtobufToJson(concatenated, "Profile", indented: false));

        Assert.Equal("""{"sampleType":{"typeStrindex":1,"unitStrindex":3},"timeUnixNano":"9","period":"7"}""", json);
        Assert.Equal(Profile.Parser.ParseFrom(concatenated), Profile.Parser.ParseFrom(OtlpJsonTranscoder.JsonToProtobuf(Encoding.UTF8.GetBytes(json), "Profile", ProfileReadLimits.Default)));
    }

    private static readonly Dictionary<string, AnyValue[]> OneofSequences = new()
    {
        ["a later member replaces an earlier message"] =
        [
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 } } } },
            new AnyValue { StringValue = "x" },
        ],
        ["a later member holding its default replaces an earlier one"] =
        [
            new AnyValue { StringValue = "x" },
            new AnyValue { IntValue = 0 },
        ],
        ["the same message member twice merges"] =
        [
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 } } } },
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 2 } } } },
        ],
        ["a message member set again after another member starts afresh"] =
        [
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 1 } } } },
            new AnyValue { IntValue = 2 },
            new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { IntValue = 3 } } } },
        ],
    };

    [Theory]
    [InlineData("a later member replaces an earlier message")]
    [InlineData("a later member holding its default replaces an earlier one")]
    [InlineData("the same message member twice merges")]
    [InlineData("a message member set again after another member starts afresh")]
    public void The_last_oneof_member_on_the_wire_wins(string sequenceName)
    {
        var sequence = OneofSequences[sequenceName];
        var concatenated = sequence.SelectMany(v => v.ToByteArray()).ToArray();
        var expected = AnyValue.Parser.ParseFrom(concatenated);

        var json = OtlpJsonTranscoder.ProtobufToJson(concatenated, "AnyValue", indented: false);
        var actual = AnyValue.Parser.ParseFrom(OtlpJsonTranscoder.JsonToProtobuf(json, "AnyValue", ProfileReadLimits.Default));

        Assert.Equal(expected, actual);
        Assert.Equal(sequence[^1].ValueCase, actual.ValueCase);
    }

    [Fact]
    public void Response_messages_are_transcoded_too()
    {
        var response = new ExportProfilesServiceResponse
        {
            PartialSuccess = new ExportProfilesPartialSuccess { RejectedProfiles = 2, ErrorMessage = "bad stack" },
        };

        var json = OtlpJsonTranscoder.ProtobufToJson(response.ToByteArray(), "ExportProfilesServiceResponse", indented: false);

        Assert.Equal("""{"partialSuccess":{"rejectedProfiles":"2","errorMessage":"bad stack"}}""", Encoding.UTF8.GetString(json));
        var back = OtlpJsonTranscoder.JsonToProtobuf(json, "ExportProfilesServiceResponse", ProfileReadLimits.Default);
        Assert.Equal(response, ExportProfilesServiceResponse.Parser.ParseFrom(back));
    }

    [Fact]
    public void An_unknown_root_message_name_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => OtlpJsonTranscoder.ProtobufToJson([], "NoSuchMessage", indented: false));
        Assert.Throws<ArgumentException>(() => OtlpJsonTranscoder.JsonToProtobuf("{}"u8, "NoSuchMessage", ProfileReadLimits.Default));
    }
}
