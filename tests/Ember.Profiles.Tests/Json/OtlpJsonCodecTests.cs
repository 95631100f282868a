using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Ember.Profiles.Otlp;
using Ember.Profiles.Otlp.Json;
using OracleRequest = Ember.Profiles.Tests.Oracle.Collector.ExportProfilesServiceRequest;

namespace Ember.Profiles.Tests.Json;

/// <summary>End to end: OTLP/JSON ⇄ the resolved model, through the binary codec.</summary>
public class OtlpJsonCodecTests
{
    [Fact]
    public void Hand_written_document_decodes_to_resolved_profiles()
    {
        var data = OtlpJsonCodec.Decode(HandWrittenDocument.EbpfCpuProfile);

        var resource = Assert.Single(data.ResourceProfiles);
        Assert.Equal(
            [
                new KeyValue("service.name", AnyValue.String("checkout")),
                new KeyValue("process.pid", AnyValue.Int(4242)),
                new KeyValue("host.name", AnyValue.String("node-1")), // key_strindex / string_value_strindex resolved
            ],
            resource.Resource.Attributes);
        var scope = Assert.Single(resource.ScopeProfiles);
        Assert.Equal("otel-ebpf-profiler", scope.Scope.Name);
        var profile = Assert.Single(scope.Profiles);
        Assert.Equal(new ProfileValueType("samples", "count"), profile.SampleType);
        Assert.Equal(new ProfileValueType("cpu", "nanoseconds"), profile.PeriodType);
        Assert.Equal(50_000_000, profile.Period);
        Assert.Equal(1_752_000_000_000_000_000UL, profile.TimeUnixNano);
        Assert.Equal(5_000_000_000UL, profile.DurationNano);
        Assert.Equal(OracleMessages.ProfileId, profile.ProfileId);
        Assert.Equal([new KeyValueAndUnit("cpu", AnyValue.Double(0.5), "nanoseconds")], profile.Attributes);

        Assert.Equal(2, profile.Samples.Count);
        var first = profile.Samples[0];
        var main = Assert.Single(first.Stack.Locations);
        Assert.Equal(4_198_400UL, main.Address);
        Assert.Equal("/usr/bin/checkout", main.Mapping!.FileName);
        Assert.Equal("main", main.Lines[0].Function!.Name);
        Assert.Equal("main.go", main.Lines[0].Function!.FileName);
        Assert.Equal(12, main.Lines[0].Number);
        Assert.Equal([KeyValueAndUnit.String("thread.name", "worker-1")], first.Attributes);
        Assert.Equal(OracleMessages.TraceId, first.Link!.TraceId);
        Assert.Equal(OracleMessages.SpanId, first.Link.SpanId);
        Assert.Equal([1_752_000_000_100_000_000UL, 1_752_000_000_150_000_000UL], first.TimestampsUnixNano);

        var second = profile.Samples[1];
        Assert.Equal(["handle", "main"], second.Stack.Locations.Select(l => l.Lines[0].Function!.Name));
        Assert.Equal([KeyValueAndUnit.String("profile.frame.type", "go")], second.Stack.Locations[0].Attributes);
        Assert.Equal([3L], second.Values);
    }

    [Fact]
    public void Gzip_compressed_json_decodes_like_the_plain_document()
    {
        var plain = OtlpJsonCodec.Decode(HandWrittenDocument.EbpfCpuProfile);

        var compressed = OtlpJsonCodec.Decode(Gzip(HandWrittenDocument.EbpfCpuProfile));

        Assert.Equal(OtlpJsonCodec.Encode(plain), OtlpJsonCodec.Encode(compressed));
    }

    [Fact]
    public void Encoding_and_decoding_again_gives_the_same_json()
    {
        var json = OtlpJsonCodec.Encode(OtlpJsonCodec.Decode(HandWrittenDocument.EbpfCpuProfile), indented: true);

        var again = OtlpJsonCodec.Encode(OtlpJsonCodec.Decode(json), indented: true);

        Assert.Equal(Encoding.UTF8.GetString(json), Encoding.UTF8.GetString(again));
    }

    [Fact]
    public void Encoded_json_has_the_OTLP_shape_and_carries_the_profiles()
    {
        var json = OtlpJsonCodec.Encode(OtlpJsonCodec.Decode(HandWrittenDocument.EbpfCpuProfile));

        var root = JsonDocument.Parse(json).RootElement;
        var profile = root.GetProperty("resourceProfiles")[0].GetProperty("scopeProfiles")[0].GetProperty("profiles")[0];
        Assert.Equal("1752000000000000000", profile.GetProperty("timeUnixNano").GetString());
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", profile.GetProperty("profileId").GetString());
        Assert.Contains(
            root.GetProperty("dictionary").GetProperty("linkTable").EnumerateArray(),
            link => link.TryGetProperty("traceId", out var id) && id.GetString() == "5b8efff798038103d269b633813fc60c");

        // Read back with the oracle: every dictionary table starts with its zero element.
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(json, "ExportProfilesServiceRequest", ProfileReadLimits.Default);
        var request = OracleRequest.Parser.ParseFrom(protobuf);
        Assert.Equal(string.Empty, request.Dictionary.StringTable[0]);
        Assert.Contains("thread.name", request.Dictionary.StringTable);
        Assert.Equal(2, request.ResourceProfiles[0].ScopeProfiles[0].Profiles[0].Samples.Count);
    }

    [Fact]
    public void A_compressed_document_may_expand_beyond_the_compressed_limit()
    {
        var padded = Encoding.UTF8.GetString(HandWrittenDocument.EbpfCpuProfile)
            .Replace("\"go\"", "\"go\"" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $", \"padding-{i:D6}-{new string('p', 40)}\"")), StringComparison.Ordinal);
        var compressed = Gzip(Encoding.UTF8.GetBytes(padded));
        var limits = ProfileReadLimits.Default with { MaxCompressedBytes = 64 * 1024, MaxDecompressedBytes = 4 * 1024 * 1024 };
        Assert.True(compressed.Length < limits.MaxCompressedBytes);

        var data = OtlpJsonCodec.Decode(compressed, limits);

        Assert.Single(data.ResourceProfiles);
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("""{"resourceProfiles":[{"scopeProfiles":[{"profiles":[{"period":1.5}]}]}]}""", "$.resourceProfiles[0].scopeProfiles[0].profiles[0].period")]
    [InlineData("""{"dictionary":{"linkTable":[{"traceId":"not hex"}]}}""", "$.dictionary.linkTable[0].traceId: invalid hex")]
    public void Bad_json_is_a_ProfileFormatException_naming_the_place(string json, string expected)
    {
        var error = Assert.Throws<ProfileFormatException>(() => OtlpJsonCodec.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_over_the_size_limit_is_rejected_before_parsing()
    {
        var limits = ProfileReadLimits.Default with { MaxCompressedBytes = 100 };

        Assert.Throws<ProfileFormatException>(() => OtlpJsonCodec.Decode(HandWrittenDocument.EbpfCpuProfile, limits));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
