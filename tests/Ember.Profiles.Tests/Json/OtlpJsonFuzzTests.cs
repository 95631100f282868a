using CsCheck;
using Ember.Profiles.Otlp.Json;
using Google.Protobuf;

namespace Ember.Profiles.Tests.Json;

/// <summary>Whatever the bytes, the transcoder either succeeds or throws <see cref="ProfileFormatException"/>.</summary>
public class OtlpJsonFuzzTests
{
    private static readonly byte[] ValidJson =
        OtlpJsonTranscoder.ProtobufToJson(OracleMessages.Rich().ToByteArray(), OracleMessages.RequestName, indented: false);

    private static readonly byte[] ValidProtobuf = OracleMessages.Rich().ToByteArray();

    /// <summary>Bytes that steer mutations towards JSON syntax, escapes, numbers and hex.</summary>
    private static readonly Gen<byte> InterestingByte = Gen.OneOf(
        (Gen<byte>)Gen.Byte,
        Gen.OneOf("{}[]\":,-+.eE0123456789\\unltfa \u00ff"u8.ToArray()));

    [Fact]
    public void Random_bytes_as_json_only_ever_fail_with_ProfileFormatException()
    {
        Gen.Byte.Array[0, 400].Sample(bytes => OnlyFormatErrors(() => ReadJson(bytes)), iter: 3_000);
    }

    [Fact]
    public void Random_json_like_text_only_ever_fails_with_ProfileFormatException()
    {
        InterestingByte.Array[0, 400]
            .Select(body => "{\"dictionary\":{"u8.ToArray().Concat(body).ToArray())
            .Sample(bytes => OnlyFormatErrors(() => ReadJson(bytes)), iter: 3_000);
    }

    [Fact]
    public void Mutated_valid_json_only_ever_fails_with_ProfileFormatException()
    {
        Gen.Select(Gen.Int[0, ValidJson.Length - 1], Gen.Int[0, 3], InterestingByte)
            .Sample((position, kind, value) => OnlyFormatErrors(() => ReadJson(Mutate(ValidJson, position, kind, value))), iter: 5_000);
    }

    [Fact]
    public void Random_bytes_as_protobuf_only_ever_fail_with_ProfileFormatException()
    {
        Gen.Byte.Array[0, 400].Sample(bytes => OnlyFormatErrors(() => WriteJson(bytes)), iter: 3_000);
    }

    [Fact]
    public void Mutated_valid_protobuf_only_ever_fails_with_ProfileFormatException()
    {
        Gen.Select(Gen.Int[0, ValidProtobuf.Length - 1], Gen.Int[0, 3], Gen.Byte)
            .Sample((position, kind, value) => OnlyFormatErrors(() => WriteJson(Mutate(ValidProtobuf, position, kind, value))), iter: 5_000);
    }

    /// <summary>Replaces, inserts or deletes one byte at <paramref name="position"/>, or cuts the input there.</summary>
    private static byte[] Mutate(byte[] input, int position, int kind, byte value)
    {
        var bytes = new List<byte>(input);
        switch (kind)
        {
            case 0:
                bytes[position] = value;
                break;
            case 1:
                bytes.Insert(position, value);
                break;
            case 2:
                bytes.RemoveAt(position);
                break;
            default:
                bytes.RemoveRange(position, bytes.Count - position);
                break;
        }

        return [.. bytes];
    }

    private static void ReadJson(byte[] json) =>
        OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default);

    private static void WriteJson(byte[] protobuf) =>
        OtlpJsonTranscoder.ProtobufToJson(protobuf, OracleMessages.RequestName, indented: false);

    private static void OnlyFormatErrors(Action action)
    {
        try
        {
            action();
        }
        catch (ProfileFormatException)
        {
            // the one permitted failure
        }
    }
}
