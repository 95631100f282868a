using Ember.Profiles.Otlp;
using Google.Protobuf;
using OCol = Ember.Profiles.Tests.Oracle.Collector;
using OT = Ember.Profiles.Tests.Oracle.Profiles;

namespace Ember.Profiles.Tests.Codecs;

public class OtlpCodecTests
{
    [Fact]
    public void Oracle_bytes_decode_and_reencode_to_the_same_profiles()
    {
        var original = OracleSamples.RichOtlp();

        var model = OtlpCodec.Decode(original.ToByteArray());
        var reparsed = OT.ProfilesData.Parser.ParseFrom(OtlpCodec.Encode(model));

        Assert.Equal(OracleText.Otlp(original), OracleText.Otlp(reparsed));
    }

    [Fact]
    public void Export_request_parses_with_the_collector_oracle()
    {
        var model = OtlpCodec.Decode(OracleSamples.RichOtlp().ToByteArray());
        var request = OCol.ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(model));

        Assert.Equal(OracleText.Otlp(OracleSamples.RichOtlp()), OracleText.Otlp(request.ResourceProfiles, request.Dictionary));
    }

    [Fact]
    public void Every_dictionary_table_starts_with_its_zero_element()
    {
        var model = OtlpCodec.Decode(OracleSamples.RichOtlp().ToByteArray());
        var dict = OT.ProfilesData.Parser.ParseFrom(OtlpCodec.Encode(model)).Dictionary;

        Assert.Equal(new OT.Mapping(), dict.MappingTable[0]);
        Assert.Equal(new OT.Location(), dict.LocationTable[0]);
        Assert.Equal(new OT.Function(), dict.FunctionTable[0]);
        Assert.Equal(new OT.Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) }, dict.LinkTable[0]);
        Assert.Equal(string.Empty, dict.StringTable[0]);
        Assert.Equal(new OT.KeyValueAndUnit(), dict.AttributeTable[0]);
        Assert.Equal(new OT.Stack(), dict.StackTable[0]);
    }

    [Fact]
    public void Decoded_model_resolves_string_index_references()
    {
        var model = OtlpCodec.Decode(OracleSamples.RichOtlp().ToByteArray());

        var resource = model.ResourceProfiles[0].Resource;
        Assert.Contains(resource.Attributes, a => a.Key == "host.name" && a.Value.StringValue == "checkout");
        var mapping = model.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[1].Stack.Locations[0].Mapping!;
        Assert.Equal(KeyValueAndUnit.String("process.executable.build_id.gnu", "0123abcd"), mapping.Attributes[0]);
        var sample = model.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0];
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i), sample.Link!.TraceId);
        Assert.Equal(2, sample.Total);
        Assert.Equal(AnyValueKind.Array, sample.Attributes[1].Value.Kind);
        Assert.Empty(model.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[2].Stack.Locations);
    }

    [Fact]
    public void Resource_attributes_are_written_with_plain_keys_for_pyroscope()
    {
        var model = OtlpCodec.Decode(OracleSamples.RichOtlp().ToByteArray());
        var reparsed = OT.ProfilesData.Parser.ParseFrom(OtlpCodec.Encode(model));

        Assert.All(reparsed.ResourceProfiles[0].Resource.Attributes, kv =>
        {
            Assert.Equal(0, kv.KeyStrindex);
            Assert.NotEmpty(kv.Key);
        });
    }

    [Fact]
    public void Shared_stacks_and_equal_attributes_are_deduplicated()
    {
        var location = new Location { Address = 1 };
        var profile = new Profile { SampleType = new ProfileValueType("samples", "count") };
        for (var i = 0; i < 3; i++)
        {
            var sample = new Sample { Stack = new Stack { Locations = { location } }, Values = { 1 } };
            sample.Attributes.Add(KeyValueAndUnit.String("thread.name", "w"));
            profile.Samples.Add(sample);
        }

        var data = new ProfilesData { ResourceProfiles = { new ResourceProfiles { ScopeProfiles = { new ScopeProfiles { Profiles = { profile } } } } } };
        var dict = OT.ProfilesData.Parser.ParseFrom(OtlpCodec.Encode(data)).Dictionary;

        Assert.Equal(2, dict.StackTable.Count);
        Assert.Equal(2, dict.AttributeTable.Count);
        Assert.Equal(2, dict.LocationTable.Count);
    }

    [Fact]
    public void Encoding_is_deterministic_and_stable_across_round_trips()
    {
        var model = OtlpCodec.Decode(OracleSamples.RichOtlp().ToByteArray());
        var first = OtlpCodec.Encode(model);

        Assert.Equal(first, OtlpCodec.Encode(model));
        Assert.Equal(first, OtlpCodec.Encode(OtlpCodec.Decode(first)));
    }
}
