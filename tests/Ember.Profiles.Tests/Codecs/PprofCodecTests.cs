using System.IO.Compression;
using Ember.Profiles.Compression;
using Ember.Profiles.Pprof;
using Google.Protobuf;
using OP = Ember.Profiles.Tests.Oracle.Pprof;

namespace Ember.Profiles.Tests.Codecs;

public class PprofCodecTests
{
    [Fact]
    public void Oracle_bytes_decode_and_reencode_to_the_same_profile()
    {
        var original = OracleSamples.RichPprof();

        var model = PprofCodec.Decode(original.ToByteArray());
        var reparsed = OP.Profile.Parser.ParseFrom(PprofCodec.Encode(model));

        Assert.Equal(OracleText.Pprof(original), OracleText.Pprof(reparsed));
    }

    [Fact]
    public void Decoded_model_resolves_names_labels_and_mappings()
    {
        var model = PprofCodec.Decode(OracleSamples.RichPprof().ToByteArray());

        Assert.Equal([new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds")], model.SampleTypes);
        Assert.Equal(4, model.Samples.Count);
        var second = model.Samples[1];
        Assert.Equal("std::vector<int>::push_back", second.Locations[0].Lines[0].Function!.Name);
        Assert.Equal("_ZNSt6vectorIiE9push_backEOi", second.Locations[0].Lines[0].Function!.SystemName);
        Assert.True(second.Locations[0].IsFolded);
        Assert.Equal("libc.so.6", second.Locations[0].Mapping!.FileName);
        Assert.Equal([Label.Number("alloc", 4096, "bytes"), Label.Number("alloc", -1)], second.Labels);
        Assert.Equal(Label.String("thread", "worker-1"), model.Samples[0].Labels[0]);
        Assert.Equal("deadbeef", model.Mappings[0].BuildId);
        Assert.Null(model.Samples[2].Locations[0].Mapping);
        Assert.Equal(long.MinValue, model.Samples[2].Values[1]);
        Assert.Equal("ünïcødé 🔥", model.Functions[3].Name);
        Assert.Equal(["a comment", ""], model.Comments);
        Assert.Equal(("drop.*", "keep.*", "cpu", "https://example.com/doc"), (model.DropFrames, model.KeepFrames, model.DefaultSampleType, model.DocUrl));
        Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), model.PeriodType);
        Assert.Equal((1_700_000_000_123_456_789L, 10_000_000_000L, 10_000_000L), (model.TimeNanos, model.DurationNanos, model.Period));
    }

    [Fact]
    public void Encoded_ids_are_nonzero_unique_and_string_zero_is_empty()
    {
        var model = PprofCodec.Decode(OracleSamples.RichPprof().ToByteArray());
        var encoded = OP.Profile.Parser.ParseFrom(PprofCodec.Encode(model));

        Assert.Equal(string.Empty, encoded.StringTable[0]);
        Assert.Equal(encoded.StringTable.Count, encoded.StringTable.Distinct().Count());
        foreach (var ids in new[] { encoded.Mapping.Select(m => m.Id), encoded.Location.Select(l => l.Id), encoded.Function.Select(f => f.Id) })
        {
            Assert.DoesNotContain(0UL, ids);
            Assert.Equal(ids.Count(), ids.Distinct().Count());
        }
    }

    [Fact]
    public void Encoding_is_deterministic_and_stable_across_round_trips()
    {
        var model = PprofCodec.Decode(OracleSamples.RichPprof().ToByteArray());
        var first = PprofCodec.Encode(model);

        Assert.Equal(first, PprofCodec.Encode(model));
        Assert.Equal(first, PprofCodec.Encode(PprofCodec.Decode(first)));
    }

    [Fact]
    public void Gzip_input_is_detected_and_gzip_output_is_readable_by_the_oracle()
    {
        var original = OracleSamples.RichPprof();
        var gz = PayloadEncoder.Gzip(original.ToByteArray());

        var model = PprofCodec.Decode(gz);
        var written = PprofCodec.EncodeGzip(model);

        Assert.True(PayloadDecoder.IsGzip(written));
        using var input = new GZipStream(new MemoryStream(written), CompressionMode.Decompress);
        Assert.Equal(OracleText.Pprof(original), OracleText.Pprof(OP.Profile.Parser.ParseFrom(input)));
    }

    [Fact]
    public void Objects_reachable_only_from_samples_are_still_written()
    {
        var function = new Function { Name = "orphan" };
        var mapping = new Mapping { FileName = "/lib/x.so", MemoryStart = 0x1000, MemoryLimit = 0x2000 };
        var location = new Location { Address = 0x1500, Mapping = mapping, Lines = { new Line { Function = function, Number = 4 } } };
        var profile = new Profile { SampleTypes = { new ProfileValueType("samples", "count") }, Samples = { new Sample { Locations = { location }, Values = { 9 } } } };

        var decoded = PprofCodec.Decode(PprofCodec.Encode(profile));

        var leaf = Assert.Single(decoded.Samples).Locations[0];
        Assert.Equal("orphan", leaf.Lines[0].Function!.Name);
        Assert.Equal("/lib/x.so", leaf.Mapping!.FileName);
        Assert.Single(decoded.Locations);
        Assert.Single(decoded.Functions);
        Assert.Single(decoded.Mappings);
    }

    [Fact]
    public void Unpacked_repeated_fields_are_accepted()
    {
        // location_id 1 and value 2 written one element per tag (unpacked), as old encoders do.
        var output = new MemoryStream();
        var cos = new CodedOutputStream(output);
        cos.WriteTag(6, WireFormat.WireType.LengthDelimited); cos.WriteString("");
        cos.WriteTag(6, WireFormat.WireType.LengthDelimited); cos.WriteString("f");
        cos.WriteTag(5, WireFormat.WireType.LengthDelimited); cos.WriteBytes(new OP.Function { Id = 1, Name = 1 }.ToByteString());
        cos.WriteTag(4, WireFormat.WireType.LengthDelimited); cos.WriteBytes(new OP.Location { Id = 1, Line = { new OP.Line { FunctionId = 1 } } }.ToByteString());
        var sample = new MemoryStream();
        var s = new CodedOutputStream(sample);
        s.WriteTag(1, WireFormat.WireType.Varint); s.WriteUInt64(1);
        s.WriteTag(1, WireFormat.WireType.Varint); s.WriteUInt64(1);
        s.WriteTag(2, WireFormat.WireType.Varint); s.WriteInt64(7);
        s.Flush();
        cos.WriteTag(2, WireFormat.WireType.LengthDelimited); cos.WriteBytes(ByteString.CopyFrom(sample.ToArray()));
        cos.Flush();

        var decoded = PprofCodec.Decode(output.ToArray());

        Assert.Equal(2, decoded.Samples[0].Locations.Count);
        Assert.Equal([7L], decoded.Samples[0].Values);
    }
}
