using System.Text;
using System.Text.Json;
using Ember.Profiles.Otlp.Json;

namespace Ember.Profiles.Tests.Json;

/// <summary>Bad OTLP/JSON fails with a <see cref="ProfileFormatException"/> naming the JSON path, and nothing else.</summary>
public class OtlpJsonMalformedInputTests
{
    [Theory]
    [InlineData("", "malformed JSON at $:")]
    [InlineData("{", "malformed JSON at $:")]
    [InlineData("""{"resourceProfiles":[{"schemaUrl":"x"}""", "malformed JSON at $.resourceProfiles[1]:")]
    [InlineData("""{"dictionary":{"stringTable":["", "unterminated""", "malformed JSON at $.dictionary.stringTable[1]:")]
    [InlineData("""{"dictionary":{}} x""", "malformed JSON at $:")]
    [InlineData("""{"dictionary":{},}""", "malformed JSON at $:")]
    [InlineData("""{/* comment */}""", "malformed JSON at $:")]
    [InlineData("""{'dictionary':{}}""", "malformed JSON at $:")]
    [InlineData("""{"dictionary":{"stringTable":[01]}}""", "malformed JSON at $.dictionary.stringTable[0]:")]
    public void Malformed_or_truncated_json_is_a_format_error_keeping_the_JsonException(string json, string expected)
    {
        var error = ReadExpectingError(json);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("[]", "at $: expected a JSON object for ExportProfilesServiceRequest, got an array")]
    [InlineData("null", "at $: expected a JSON object for ExportProfilesServiceRequest, got null")]
    [InlineData("""{"dictionary":[]}""", "at $.dictionary: expected an object, got an array")]
    [InlineData("""{"resourceProfiles":{}}""", "at $.resourceProfiles: expected an array, got an object")]
    [InlineData("""{"resourceProfiles":[[]]}""", "at $.resourceProfiles[0]: expected an object, got an array")]
    [InlineData("""{"dictionary":{"stringTable":["", 1]}}""", "at $.dictionary.stringTable[1]: expected a string, got a number")]
    [InlineData("""{"dictionary":{"stringTable":["", null]}}""", "at $.dictionary.stringTable[1]: null is not allowed in a list")]
    [InlineData("""{"resourceProfiles":[{"schemaUrl":{}}]}""", "at $.resourceProfiles[0].schemaUrl: expected a string, got an object")]
    [InlineData("""{"dictionary":{"linkTable":[{}, {"traceId":"zz"}]}}""", "at $.dictionary.linkTable[1].traceId: invalid hex")]
    [InlineData("""{"dictionary":{"linkTable":[{"spanId":"abc"}]}}""", "at $.dictionary.linkTable[0].spanId: invalid hex: odd number of digits")]
    [InlineData("""{"dictionary":{"linkTable":[{"spanId":1234}]}}""", "at $.dictionary.linkTable[0].spanId: expected a hex string, got a number")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"bytesValue":"@@@@"}}]}}""", "at $.dictionary.attributeTable[0].value.bytesValue: invalid base64")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"bytesValue":"A"}}]}}""", "at $.dictionary.attributeTable[0].value.bytesValue: invalid base64")]
    [InlineData("""{"dictionary":{"stackTable":[{"locationIndices":[1, 1.5]}]}}""", "at $.dictionary.stackTable[0].locationIndices[1]: \"1.5\" is not an integer")]
    [InlineData("""{"dictionary":{"functionTable":[{"nameStrindex":2147483648}]}}""", "at $.dictionary.functionTable[0].nameStrindex: \"2147483648\" is out of range for int32")]
    [InlineData("""{"dictionary":{"functionTable":[{"nameStrindex":-2147483649}]}}""", "out of range for int32")]
    [InlineData("""{"dictionary":{"functionTable":[{"startLine":"9223372036854775808"}]}}""", "at $.dictionary.functionTable[0].startLine: \"9223372036854775808\" is out of range for int64")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":"-1"}]}}""", "at $.dictionary.mappingTable[0].memoryStart: \"-1\" is out of range for uint64")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":18446744073709551616}]}}""", "out of range for uint64")]
    [InlineData("""{"resourceProfiles":[{"resource":{"droppedAttributesCount":-1}}]}""", "at $.resourceProfiles[0].resource.droppedAttributesCount: \"-1\" is out of range for uint32")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":1e400}]}}""", "is out of range for uint64")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":"12abc"}]}}""", "\"12abc\" is not a number")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":""}]}}""", "\"\" is not a number")]
    [InlineData("""{"dictionary":{"mappingTable":[{"memoryStart":" 1"}]}}""", "\" 1\" is not a number")]
    [InlineData("""{"dictionary":{"mappingTable":[{"filenameStrindex":true}]}}""", "at $.dictionary.mappingTable[0].filenameStrindex: expected an integer, got a boolean")]
    [InlineData("""{"dictionary":{"mappingTable":[{"filenameStrindex":{}}]}}""", "expected an integer, got an object")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"boolValue":"true"}}]}}""", "at $.dictionary.attributeTable[0].value.boolValue: expected true or false, got a string")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"doubleValue":"fast"}}]}}""", "at $.dictionary.attributeTable[0].value.doubleValue: \"fast\" is not a finite double")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"doubleValue":1e400}}]}}""", "\"1e400\" is not a finite double")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"doubleValue":[]}}]}}""", "expected a number, got an array")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"stringValue":"a","intValue":"1"}}]}}""", "at $.dictionary.attributeTable[0].value.intValue: AnyValue holds only one value but also has 'stringValue'")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"arrayValue":{},"kvlist_value":{}}}]}}""", "AnyValue holds only one value but also has 'arrayValue'")]
    [InlineData("""{"dictionary":{},"dictionary":{}}""", "at $.dictionary: the field occurs more than once")]
    [InlineData("""{"resourceProfiles":[],"resource_profiles":[]}""", "at $.resourceProfiles: the field occurs more than once")]
    [InlineData("""{"dictionary":{"stringTable":["\ud800"]}}""", "at $.dictionary.stringTable[0]:")]
    public void Values_that_do_not_fit_the_schema_are_format_errors_naming_the_path(string json, string expected)
    {
        var error = ReadExpectingError(json);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid OTLP/JSON at $", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base64_and_lone_surrogate_errors_keep_the_inner_exception()
    {
        Assert.IsType<FormatException>(ReadExpectingError("""{"dictionary":{"attributeTable":[{"value":{"bytesValue":"@@@@"}}]}}""").InnerException);
        Assert.IsType<InvalidOperationException>(ReadExpectingError("""{"dictionary":{"stringTable":["\ud800"]}}""").InnerException);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_a_format_error()
    {
        var json = Encoding.UTF8.GetBytes("""{"dictionary":{"stringTable":["", "xy"]}}""");
        json[Array.IndexOf(json, (byte)'x')] = 0xFF;

        var error = Assert.Throws<ProfileFormatException>(() => OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default));

        Assert.Equal("invalid OTLP/JSON at $.dictionary.stringTable[1]: the string is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Nesting_bomb_of_ten_thousand_arrays_in_an_AnyValue_is_stopped_at_the_depth_limit()
    {
        const int Depth = 10_000;
        var json = """{"resourceProfiles":[{"resource":{"attributes":[{"key":"k","value":"""
            + string.Concat(Enumerable.Repeat("""{"arrayValue":{"values":[""", Depth))
            + "{}"
            + string.Concat(Enumerable.Repeat("]}}", Depth))
            + "}]}}]}";

        var error = ReadExpectingError(json);

        Assert.Contains("messages nested deeper than 64 levels", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(
            "invalid OTLP/JSON at $.resourceProfiles[0].resource.attributes[0].value.arrayValue.values[0].arrayValue.values[0]",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"futureField":""", "")]
    [InlineData("""{"dictionary":{"attributeTable":[{"value":{"arrayValue":{"values":""", "}}}]}")]
    public void Nesting_bomb_of_raw_json_arrays_is_a_format_error(string prefix, string suffix)
    {
        const int Depth = 10_000;
        var json = prefix + new string('[', Depth) + new string(']', Depth) + suffix + "}";

        ReadExpectingError(json);
    }

    [Fact]
    public void A_list_longer_than_the_entry_limit_is_rejected()
    {
        var limits = ProfileReadLimits.Default with { MaxTableEntries = 3 };

        var strings = Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.JsonToProtobuf("""{"dictionary":{"stringTable":["", "a", "b", "c"]}}"""u8, OracleMessages.RequestName, limits));
        var packed = Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.JsonToProtobuf("""{"values":[1, 2, 3, 4]}"""u8, "Sample", limits));

        Assert.Equal("invalid OTLP/JSON at $.dictionary.stringTable[3]: more than 3 elements", strings.Message);
        Assert.Equal("invalid OTLP/JSON at $.values[3]: more than 3 elements", packed.Message);
    }

    [Fact]
    public void Output_beyond_the_decompressed_size_limit_is_rejected()
    {
        var limits = ProfileReadLimits.Default with { MaxDecompressedBytes = 64 };
        var json = $$$"""{"dictionary":{"stringTable":["{{{new string('x', 100)}}}"]}}""";

        var error = Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.JsonToProtobuf(Encoding.UTF8.GetBytes(json), OracleMessages.RequestName, limits));

        Assert.Contains("exceeds the limit of 64 bytes", error.Message, StringComparison.Ordinal);
    }

    private static ProfileFormatException ReadExpectingError(string json) =>
        Assert.Throws<ProfileFormatException>(() =>
            OtlpJsonTranscoder.JsonToProtobuf(Encoding.UTF8.GetBytes(json), OracleMessages.RequestName, ProfileReadLimits.Default));
}
