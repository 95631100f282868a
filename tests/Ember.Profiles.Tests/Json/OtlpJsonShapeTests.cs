using System.Text;
using System.Text.Json;
using Ember.Profiles.Otlp.Json;
using Google.Protobuf;

namespace Ember.Profiles.Tests.Json;

/// <summary>The JSON we write has the OTLP/JSON shape: names, number encodings, hex ids, omitted defaults.</summary>
public class OtlpJsonShapeTests
{
    private static readonly byte[] RichJson =
        OtlpJsonTranscoder.ProtobufToJson(OracleMessages.Rich().ToByteArray(), OracleMessages.RequestName, indented: false);

    private static JsonElement Root => JsonDocument.Parse(RichJson).RootElement;

    private static JsonElement Dictionary => Root.GetProperty("dictionary");

    private static JsonElement CpuProfile => Root.GetProperty("resourceProfiles")[0].GetProperty("scopeProfiles")[0].GetProperty("profiles")[0];

    [Fact]
    public void Field_names_are_lowerCamelCase()
    {
        var names = new List<string>();
        CollectPropertyNames(Root, names);

        Assert.DoesNotContain(names, name => name.Contains('_', StringComparison.Ordinal) || char.IsUpper(name[0]));
        Assert.Contains("resourceProfiles", names);
        Assert.Contains("stringValueStrindex", names);
        Assert.Contains("keyStrindex", names);
        Assert.Contains("timestampsUnixNano", names);
    }

    [Fact]
    public void Trace_span_and_profile_ids_are_lowercase_hex()
    {
        var links = Dictionary.GetProperty("linkTable");

        Assert.Equal(new string('0', 32), links[0].GetProperty("traceId").GetString());
        Assert.Equal(new string('0', 16), links[0].GetProperty("spanId").GetString());
        Assert.Equal("5b8efff798038103d269b633813fc60c", links[1].GetProperty("traceId").GetString());
        Assert.Equal("eee19b7ec3c1b174", links[1].GetProperty("spanId").GetString());
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", CpuProfile.GetProperty("profileId").GetString());
    }

    [Fact]
    public void Other_bytes_are_standard_padded_base64()
    {
        Assert.Equal(Convert.ToBase64String(OracleMessages.AllByteValues), CpuProfile.GetProperty("originalPayload").GetString());
        var kvlist = Dictionary.GetProperty("attributeTable")[17].GetProperty("value").GetProperty("kvlistValue");
        Assert.Equal("aGk=", kvlist.GetProperty("values")[1].GetProperty("value").GetProperty("bytesValue").GetString());
    }

    [Fact]
    public void Sixty_four_bit_integers_are_decimal_strings_and_32_bit_ones_numbers()
    {
        var profile = CpuProfile;
        Assert.Equal(JsonValueKind.String, profile.GetProperty("timeUnixNano").ValueKind);
        Assert.Equal("1700000000123456789", profile.GetProperty("timeUnixNano").GetString());
        Assert.Equal("5000000000", profile.GetProperty("durationNano").GetString());
        Assert.Equal("50000000", profile.GetProperty("period").GetString());
        Assert.Equal(["10", "-20", "9007199254740993"], profile.GetProperty("samples")[1].GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("1700000000200000000", profile.GetProperty("samples")[0].GetProperty("timestampsUnixNano")[0].GetString());
        Assert.Equal("18446744073709547520", Dictionary.GetProperty("mappingTable")[1].GetProperty("memoryLimit").GetString());
        Assert.Equal("-5", Dictionary.GetProperty("attributeTable")[2].GetProperty("value").GetProperty("intValue").GetString());

        Assert.Equal(JsonValueKind.Number, profile.GetProperty("samples")[0].GetProperty("stackIndex").ValueKind);
        Assert.Equal(1, profile.GetProperty("samples")[0].GetProperty("linkIndex").GetInt32());
        Assert.Equal(-2147483648, Dictionary.GetProperty("stackTable")[2].GetProperty("locationIndices")[1].GetInt32());
        Assert.Equal(4294967295u, Root.GetProperty("resourceProfiles")[0].GetProperty("scopeProfiles")[0].GetProperty("scope").GetProperty("droppedAttributesCount").GetUInt32());
    }

    [Fact]
    public void Doubles_are_numbers_and_non_finite_doubles_strings()
    {
        var table = Dictionary.GetProperty("attributeTable");
        double Value(int i) => table[i].GetProperty("value").GetProperty("doubleValue").GetDouble();
        string? Text(int i) => table[i].GetProperty("value").GetProperty("doubleValue").GetString();

        Assert.Equal(Math.PI, Value(3));
        Assert.True(double.IsNegative(Value(4)) && Value(4) == 0);
        Assert.Equal("NaN", Text(5));
        Assert.Equal("Infinity", Text(6));
        Assert.Equal("-Infinity", Text(7));
        Assert.Equal(double.Epsilon, Value(8));
    }

    [Fact]
    public void Defaults_are_omitted_except_for_oneof_members_and_present_messages()
    {
        var dictionary = Dictionary;
        Assert.Equal("{}", dictionary.GetProperty("mappingTable")[0].GetRawText());
        Assert.Equal("{}", dictionary.GetProperty("locationTable")[0].GetRawText());
        Assert.Equal("{}", dictionary.GetProperty("stackTable")[0].GetRawText());
        Assert.Equal(string.Empty, dictionary.GetProperty("stringTable")[0].GetString());
        Assert.Equal("""{"mappingIndex":1,"address":"18446744073709551615"}""", dictionary.GetProperty("locationTable")[2].GetRawText());

        var table = dictionary.GetProperty("attributeTable");
        Assert.Equal("""{"boolValue":false}""", table[9].GetProperty("value").GetRawText());
        Assert.Equal("""{"intValue":"0"}""", table[10].GetProperty("value").GetRawText());
        Assert.Equal("""{"stringValue":""}""", table[11].GetProperty("value").GetRawText());
        Assert.Equal("""{"doubleValue":0}""", table[12].GetProperty("value").GetRawText());
        Assert.Equal("""{"stringValueStrindex":0}""", table[13].GetProperty("value").GetRawText());
        Assert.Equal("""{"bytesValue":""}""", table[14].GetProperty("value").GetRawText());
        var scopes = Root.GetProperty("resourceProfiles")[0].GetProperty("scopeProfiles");
        Assert.Equal("{}", scopes[0].GetProperty("profiles")[1].GetProperty("sampleType").GetRawText());
        Assert.Equal("""{"scope":{}}""", scopes[1].GetRawText());
        Assert.Equal("{}", Root.GetProperty("resourceProfiles")[1].GetRawText());
    }

    [Fact]
    public void Properties_come_in_field_number_order()
    {
        var names = CpuProfile.EnumerateObject().Select(p => p.Name);

        Assert.Equal(
            ["sampleType", "samples", "timeUnixNano", "durationNano", "periodType", "period", "profileId", "droppedAttributesCount", "originalPayloadFormat", "originalPayload", "attributeIndices"],
            names);
    }

    [Fact]
    public void Indented_output_uses_lf_and_two_spaces_and_holds_the_same_document()
    {
        var indented = OtlpJsonTranscoder.ProtobufToJson(OracleMessages.Rich().ToByteArray(), OracleMessages.RequestName, indented: true);
        var text = Encoding.UTF8.GetString(indented);

        Assert.StartsWith("{\n  \"resourceProfiles\": [\n    {\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        Assert.DoesNotContain('\n', Encoding.UTF8.GetString(RichJson));
        Assert.True(JsonElement.DeepEquals(Root, JsonDocument.Parse(indented).RootElement));
    }

    [Fact]
    public void Text_is_escaped_only_where_JSON_requires_it()
    {
        var text = Encoding.UTF8.GetString(RichJson);

        Assert.Contains("\"é ü 中文 ", text, StringComparison.Ordinal);
        Assert.Contains("<html>&'", text, StringComparison.Ordinal);
        Assert.Contains("""quote\" backslash\\ newline\n tab\t""", text, StringComparison.Ordinal);
        Assert.Equal("é ü 中文 🔥", Dictionary.GetProperty("stringTable")[12].GetString());
    }

    private static void CollectPropertyNames(JsonElement element, List<string> names)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    names.Add(property.Name);
                    CollectPropertyNames(property.Value, names);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectPropertyNames(item, names);
                }

                break;
        }
    }
}
