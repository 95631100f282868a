using System.Text;
using Ember.Profiles.Otlp.Json;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.Profiles.Tests.Oracle.Common;
using Ember.Profiles.Tests.Oracle.Profiles;
using Google.Protobuf;

namespace Ember.Profiles.Tests.Json;

/// <summary>The reader accepts every spelling the OTLP/JSON and protobuf JSON rules allow.</summary>
public class OtlpJsonReadingTests
{
    [Fact]
    public void Snake_case_names_are_accepted()
    {
        var request = Read("""
            {
              "resource_profiles": [ { "scope_profiles": [ { "profiles": [
                { "time_unix_nano": "5", "sample_type": { "type_strindex": 1 },
                  "samples": [ { "stack_index": 1, "timestamps_unix_nano": ["6"], "attribute_indices": [2] } ] } ] } ],
                "resource": { "attributes": [ { "key_strindex": 3, "value": { "string_value_strindex": 4 } } ] } } ],
              "dictionary": { "string_table": ["", "a"], "link_table": [ { "trace_id": "5b8efff798038103d269b633813fc60c", "span_id": "eee19b7ec3c1b174" } ] }
            }
            """);

        var profile = request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0];
        Assert.Equal(5UL, profile.TimeUnixNano);
        Assert.Equal(1, profile.SampleType.TypeStrindex);
        Assert.Equal(new Sample { StackIndex = 1, TimestampsUnixNano = { 6 }, AttributeIndices = { 2 } }, profile.Samples[0]);
        Assert.Equal(new KeyValue { KeyStrindex = 3, Value = new AnyValue { StringValueStrindex = 4 } }, request.ResourceProfiles[0].Resource.Attributes[0]);
        Assert.Equal(["", "a"], request.Dictionary.StringTable);
        Assert.Equal(OracleMessages.TraceId, request.Dictionary.LinkTable[0].TraceId.ToByteArray());
        Assert.Equal(OracleMessages.SpanId, request.Dictionary.LinkTable[0].SpanId.ToByteArray());
    }

    [Fact]
    public void Sixty_four_bit_integers_written_as_numbers_keep_every_digit()
    {
        var sample = ReadAs<Sample>(
            "Sample",
            """{ "values": [9007199254740993, -9223372036854775808, 9223372036854775807], "timestampsUnixNano": [18446744073709551615, 1700000000123456789] }""");

        Assert.Equal([9_007_199_254_740_993, long.MinValue, long.MaxValue], sample.Values);
        Assert.Equal([ulong.MaxValue, 1_700_000_000_123_456_789UL], sample.TimestampsUnixNano);
    }

    [Fact]
    public void Integers_may_be_strings_or_use_exponent_and_integral_fraction_notation()
    {
        var mapping = ReadAs<Mapping>(
            "Mapping",
            """{ "filenameStrindex": "7", "memoryStart": 1e3, "memoryLimit": "2.5E3", "fileOffset": 16.0, "attributeIndices": ["-1", 2e0, -0] }""");

        Assert.Equal(new Mapping { FilenameStrindex = 7, MemoryStart = 1000, MemoryLimit = 2500, FileOffset = 16, AttributeIndices = { -1, 2, 0 } }, mapping);
    }

    [Fact]
    public void Doubles_may_be_numbers_numeric_strings_or_the_non_finite_names()
    {
        double Double(string json) => ReadAs<AnyValue>("AnyValue", $$"""{ "doubleValue": {{json}} }""").DoubleValue;

        Assert.Equal(1e-3, Double("1e-3"));
        Assert.Equal(-2.5, Double("\"-2.5\""));
        Assert.Equal(7, Double("7"));
        Assert.True(double.IsNaN(Double("\"NaN\"")));
        Assert.Equal(double.PositiveInfinity, Double("\"Infinity\""));
        Assert.Equal(double.NegativeInfinity, Double("\"-Infinity\""));
    }

    [Fact]
    public void Hex_ids_are_accepted_in_either_case()
    {
        var link = ReadAs<Link>("Link", """{ "traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EeE19b7eC3C1B174" }""");

        Assert.Equal(OracleMessages.TraceId, link.TraceId.ToByteArray());
        Assert.Equal(OracleMessages.SpanId, link.SpanId.ToByteArray());
    }

    [Theory]
    [InlineData("\"+/8=\"")]
    [InlineData("\"+/8\"")]
    [InlineData("\"-_8=\"")]
    [InlineData("\"-_8\"")]
    [InlineData("\"\\u002b/8=\"")]
    public void Base64_may_be_standard_or_url_safe_with_or_without_padding(string json)
    {
        var value = ReadAs<AnyValue>("AnyValue", $$"""{ "bytesValue": {{json}} }""");

        Assert.Equal(new byte[] { 0xFB, 0xFF }, value.BytesValue.ToByteArray());
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_every_level()
    {
        var request = Read("""
            {
              "futureRoot": { "deep": [ 1, [ 2, { "x": null } ], "s" ] },
              "resourceProfiles": [ { "unknownNumber": 5, "schemaUrl": "u", "unknownArray": [] } ],
              "dictionary": { "stringTable": ["", "a"], "unknownTable": [ {}, {} ], "unknownBool": true }
            }
            """);

        Assert.Equal(new ExportProfilesServiceRequest
        {
            ResourceProfiles = { new ResourceProfiles { SchemaUrl = "u" } },
            Dictionary = new ProfilesDictionary { StringTable = { "", "a" } },
        }, request);
    }

    [Fact]
    public void Null_means_absent()
    {
        var request = Read("""
            { "resourceProfiles": null, "dictionary": { "stringTable": null, "linkTable": [ { "traceId": null } ] } }
            """);

        Assert.Equal(new ExportProfilesServiceRequest { Dictionary = new ProfilesDictionary { LinkTable = { new Link() } } }, request);
    }

    [Fact]
    public void A_null_oneof_member_does_not_take_the_oneof()
    {
        var value = ReadAs<AnyValue>("AnyValue", """{ "stringValue": null, "intValue": "3" }""");

        Assert.Equal(new AnyValue { IntValue = 3 }, value);
    }

    [Fact]
    public void Oneof_members_holding_their_default_are_kept()
    {
        Assert.Equal(AnyValue.ValueOneofCase.IntValue, ReadAs<AnyValue>("AnyValue", """{ "intValue": "0" }""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.StringValue, ReadAs<AnyValue>("AnyValue", """{ "stringValue": "" }""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.BoolValue, ReadAs<AnyValue>("AnyValue", """{ "boolValue": false }""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.ArrayValue, ReadAs<AnyValue>("AnyValue", """{ "arrayValue": {} }""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.None, ReadAs<AnyValue>("AnyValue", "{}").ValueCase);
    }

    [Fact]
    public void Other_defaults_and_empty_lists_produce_no_bytes()
    {
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(
            """{ "stackIndex": 0, "attributeIndices": [], "values": [], "timestampsUnixNano": [], "linkIndex": "0" }"""u8,
            "Sample",
            ProfileReadLimits.Default);

        Assert.Empty(protobuf);
    }

    [Fact]
    public void Escapes_in_strings_and_names_are_resolved()
    {
        var dictionary = ReadAs<ProfilesDictionary>("ProfilesDictionary", """{ "str\u0069ngTable": ["", "caf\u00e9 \"q\" \\ \n \ud83d\udd25 \/"] }""");

        Assert.Equal(["", "café \"q\" \\ \n 🔥 /"], dictionary.StringTable);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_skipped()
    {
        var json = new byte[] { 0xEF, 0xBB, 0xBF }.Concat("""{ "dictionary": { "stringTable": [""] } }"""u8.ToArray()).ToArray();

        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default);

        Assert.Equal([""], ExportProfilesServiceRequest.Parser.ParseFrom(protobuf).Dictionary.StringTable);
    }

    [Fact]
    public void Lists_up_to_the_entry_limit_are_accepted()
    {
        var limits = ProfileReadLimits.Default with { MaxTableEntries = 3 };

        var protobuf = OtlpJsonTranscoder.JsonToProtobuf("""{ "values": [1, 2, 3] }"""u8, "Sample", limits);

        Assert.Equal([1L, 2, 3], Sample.Parser.ParseFrom(protobuf).Values);
    }

    [Fact]
    public void Nesting_up_to_the_depth_limit_is_accepted()
    {
        // AnyValue(1) > ArrayValue(2) > AnyValue(3) > ArrayValue(4) > AnyValue(5)
        var json = """{ "arrayValue": { "values": [ { "arrayValue": { "values": [ { "intValue": "1" } ] } } ] } }"""u8.ToArray();

        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(json, "AnyValue", ProfileReadLimits.Default with { MaxNestingDepth = 5 });

        Assert.Equal(1, AnyValue.Parser.ParseFrom(protobuf).ArrayValue.Values[0].ArrayValue.Values[0].IntValue);
        Assert.Throws<ProfileFormatException>(() => OtlpJsonTranscoder.JsonToProtobuf(json, "AnyValue", ProfileReadLimits.Default with { MaxNestingDepth = 4 }));
    }

    private static ExportProfilesServiceRequest Read(string json) => ReadAs<ExportProfilesServiceRequest>(OracleMessages.RequestName, json);

    private static T ReadAs<T>(string rootMessage, string json)
        where T : IMessage<T>, new()
    {
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(Encoding.UTF8.GetBytes(json), rootMessage, ProfileReadLimits.Default);
        var message = new T();
        message.MergeFrom(protobuf);
        return message;
    }
}
