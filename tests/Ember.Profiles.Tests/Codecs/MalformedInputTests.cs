using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Google.Protobuf;
using OP = Ember.Profiles.Tests.Oracle.Pprof;

namespace Ember.Profiles.Tests.Codecs;

public class MalformedInputTests
{
    private static readonly byte[] ValidPprof = OracleSamples.RichPprof().ToByteArray();
    private static readonly byte[] ValidOtlp = OracleSamples.RichOtlp().ToByteArray();

    public static TheoryData<string, byte[], string> BadPprof() => new()
    {
        { "string table without empty first entry", new OP.Profile { StringTable = { "x" } }.ToByteArray(), "string_table[0]" },
        { "no string table", new OP.Profile { Period = 1 }.ToByteArray(), "string_table[0]" },
        { "string index out of range", new OP.Profile { StringTable = { "" }, DropFrames = 5 }.ToByteArray(), "drop_frames refers to string 5" },
        { "unknown location id", new OP.Profile { StringTable = { "" }, Sample = { new OP.Sample { LocationId = { 9 } } } }.ToByteArray(), "unknown location id 9" },
        { "duplicate function id", new OP.Profile { StringTable = { "" }, Function = { new OP.Function { Id = 1 }, new OP.Function { Id = 1 } } }.ToByteArray(), "duplicate function id 1" },
        { "mapping id zero", new OP.Profile { StringTable = { "" }, Mapping = { new OP.Mapping() } }.ToByteArray(), "id 0" },
        { "unknown mapping", new OP.Profile { StringTable = { "" }, Location = { new OP.Location { Id = 1, MappingId = 3 } } }.ToByteArray(), "unknown mapping id 3" },
        { "wrong wire type", [0x09, 1, 2, 3, 4, 5, 6, 7, 8], "wire type 1, expected 2" },
        { "field number zero", [0x00, 0x01], "field number 0" },
        { "truncated length", [0x32, 0x05, 0x61], "exceeds the 1 bytes left" },
        { "varint too long", [0x48, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "varint longer than 10 bytes" },
        { "invalid utf8", [0x32, 0x00, 0x32, 0x02, 0xC3, 0x28], "invalid UTF-8" },
        { "group wire type on an unknown field", [0xA3, 0x01], "groups" },
        { "short gzip", [0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02], "truncated gzip" },
        { "truncated gzip", PayloadEncoder.Gzip(OracleSamples.RichPprof().ToByteArray())[..^6], "truncated or corrupt gzip" },
        { "corrupt deflate", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0], "gzip" },
    };

    [Theory]
    [MemberData(nameof(BadPprof))]
    public void Malformed_pprof_throws_a_precise_ProfileFormatException(string name, byte[] data, string expected)
    {
        var ex = Assert.Throws<ProfileFormatException>(() => PprofCodec.Decode(data));
        Assert.True(ex.Message.Contains(expected, StringComparison.Ordinal), $"{name}: '{ex.Message}' lacks '{expected}'");
    }

    [Fact]
    public void Every_truncation_of_valid_pprof_throws_only_ProfileFormatException()
    {
        for (var length = 1; length < ValidPprof.Length; length++)
        {
            try
            {
                PprofCodec.Decode(ValidPprof.AsMemory(0, length));
            }
            catch (ProfileFormatException)
            {
            }
        }
    }

    [Fact]
    public void Every_truncation_of_valid_otlp_throws_only_ProfileFormatException()
    {
        for (var length = 1; length < ValidOtlp.Length; length++)
        {
            try
            {
                OtlpCodec.Decode(ValidOtlp.AsMemory(0, length));
            }
            catch (ProfileFormatException)
            {
            }
        }
    }

    [Fact]
    public void A_zip_bomb_is_stopped_at_the_decompressed_limit()
    {
        var bomb = PayloadEncoder.Gzip(new byte[64 * 1024 * 1024], System.IO.Compression.CompressionLevel.SmallestSize);
        var limits = new ProfileReadLimits { MaxDecompressedBytes = 1024 * 1024 };

        var ex = Assert.Throws<ProfileFormatException>(() => PprofCodec.Decode(bomb, limits));

        Assert.Contains("exceeds the limit of 1048576 bytes", ex.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 1024 * 1024, "the bomb must be small on the wire");
    }

    [Fact]
    public void Oversized_compressed_input_is_rejected_before_parsing()
    {
        var limits = new ProfileReadLimits { MaxCompressedBytes = 16 };
        var ex = Assert.Throws<ProfileFormatException>(() => OtlpCodec.Decode(ValidOtlp, limits));
        Assert.Contains("over the limit of 16 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_size_limit_is_enforced()
    {
        var profile = new OP.Profile { StringTable = { "", "a", "b", "c", "d" } };
        var limits = new ProfileReadLimits { MaxTableEntries = 3 };
        var ex = Assert.Throws<ProfileFormatException>(() => PprofCodec.Decode(profile.ToByteArray(), limits));
        Assert.Contains("more than 3 entries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_attribute_values_are_rejected_without_stack_overflow()
    {
        // AnyValue{array_value: ArrayValue{values: [AnyValue{array_value: ...}]}} nested 5 000 deep.
        byte[] inner = [];
        for (var i = 0; i < 5_000; i++)
        {
            inner = Wrap(5, Wrap(1, inner)); // AnyValue.array_value(5) holding ArrayValue.values(1)
        }

        var attribute = Concat([0x12], Varint(inner.Length), inner); // KeyValueAndUnit.value (field 2)
        var dictionary = Concat([0x32], Varint(attribute.Length), attribute); // attribute_table (6)
        var data = Concat([0x12], Varint(dictionary.Length), dictionary); // ProfilesData.dictionary (2)

        var ex = Assert.Throws<ProfileFormatException>(() => OtlpCodec.Decode(data));
        Assert.Contains("nested deeper than 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Otlp_out_of_range_indices_are_reported()
    {
        var data = OracleSamples.RichOtlp();
        data.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples[0].StackIndex = 99;
        var ex = Assert.Throws<ProfileFormatException>(() => OtlpCodec.Decode(data.ToByteArray()));
        Assert.Contains("stack index 99 out of range", ex.Message, StringComparison.Ordinal);

        data = OracleSamples.RichOtlp();
        data.Dictionary.LocationTable[1].Lines[0].FunctionIndex = -1;
        ex = Assert.Throws<ProfileFormatException>(() => OtlpCodec.Decode(data.ToByteArray()));
        Assert.Contains("function index -1 out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Otlp_without_dictionary_is_rejected()
    {
        var data = OracleSamples.RichOtlp();
        data.Dictionary = null;
        var ex = Assert.Throws<ProfileFormatException>(() => OtlpCodec.Decode(data.ToByteArray()));
        Assert.Contains("missing the dictionary", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Wrap(int field, byte[] body) => Concat([(byte)((field << 3) | 2)], Varint(body.Length), body);

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        var v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }

        return result;
    }
}
