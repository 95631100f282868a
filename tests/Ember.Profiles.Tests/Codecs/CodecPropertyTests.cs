using CsCheck;
using Ember.Profiles.Compression;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.Profiles.Tests.Generators;
using Google.Protobuf;
using OP = Ember.Profiles.Tests.Oracle.Pprof;

namespace Ember.Profiles.Tests.Codecs;

public class CodecPropertyTests
{
    private static readonly byte[][] ValidInputs =
    [
        OracleSamples.RichPprof().ToByteArray(),
        OracleSamples.RichOtlp().ToByteArray(),
        PayloadEncoder.Gzip(OracleSamples.RichPprof().ToByteArray()),
    ];

    [Fact]
    public void Pprof_round_trip_is_identity_on_generated_profiles()
    {
        Gen.Int.Sample(seed =>
        {
            var profile = RandomProfiles.Pprof(seed);
            var bytes = PprofCodec.Encode(profile);

            var decoded = PprofCodec.Decode(bytes);

            Assert.Equal(bytes, PprofCodec.Encode(decoded));
            Assert.Equal(profile.Samples.Count, decoded.Samples.Count);
        }, iter: 500);
    }

    [Fact]
    public void Generated_pprof_parses_with_the_oracle_and_keeps_every_sample_value()
    {
        Gen.Int.Sample(seed =>
        {
            var profile = RandomProfiles.Pprof(seed);

            var oracle = OP.Profile.Parser.ParseFrom(PprofCodec.Encode(profile));

            Assert.Equal(profile.Samples.SelectMany(s => s.Values), oracle.Sample.SelectMany(s => s.Value));
            Assert.Equal(profile.Samples.Select(s => s.Locations.Count), oracle.Sample.Select(s => s.LocationId.Count));
            Assert.Equal(string.Empty, oracle.StringTable[0]);
        }, iter: 200);
    }

    [Fact]
    public void Random_bytes_only_ever_raise_ProfileFormatException()
    {
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            AssertOnlyFormatErrors(() => PprofCodec.Decode(bytes));
            AssertOnlyFormatErrors(() => OtlpCodec.Decode(bytes));
        }, iter: 5_000);
    }

    [Fact]
    public void Mutated_valid_bytes_only_ever_raise_ProfileFormatException()
    {
        var mutation = Gen.Select(Gen.Int[0, ValidInputs.Length - 1], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[0, 2]);
        mutation.Sample((input, position, value, kind) =>
        {
            var original = ValidInputs[input];
            var at = position % original.Length;
            var mutated = kind switch
            {
                0 => Replace(original, at, value),
                1 => [.. original[..at], value, .. original[at..]],
                _ => [.. original[..at], .. original[(at + 1)..]],
            };

            AssertOnlyFormatErrors(() => PprofCodec.Decode(mutated));
            AssertOnlyFormatErrors(() => OtlpCodec.Decode(mutated));
        }, iter: 5_000);
    }

    private static byte[] Replace(byte[] original, int at, byte value)
    {
        var copy = (byte[])original.Clone();
        copy[at] = value;
        return copy;
    }

    private static void AssertOnlyFormatErrors(Action decode)
    {
        try
        {
            decode();
        }
        catch (ProfileFormatException)
        {
        }
    }
}
