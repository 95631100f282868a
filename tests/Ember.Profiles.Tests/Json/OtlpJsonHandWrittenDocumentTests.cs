using Ember.Profiles.Otlp.Json;
using Ember.Profiles.Tests.Oracle.Collector;
using Ember.Profiles.Tests.Oracle.Common;
using Ember.Profiles.Tests.Oracle.Profiles;
using Ember.Profiles.Tests.Oracle.Resource;
using Google.Protobuf;
using ValueType = Ember.Profiles.Tests.Oracle.Profiles.ValueType;

namespace Ember.Profiles.Tests.Json;

/// <summary>A document written by hand from the spec decodes to the protobuf message it describes.</summary>
public class OtlpJsonHandWrittenDocumentTests
{
    /// <summary>The message <c>testdata/otlp-json/ebpf-cpu-profile.json</c> describes, built with the oracle types.</summary>
    internal static ExportProfilesServiceRequest Expected => new()
    {
        ResourceProfiles =
        {
            new ResourceProfiles
            {
                Resource = new Resource
                {
                    Attributes =
                    {
                        new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } },
                        new KeyValue { Key = "process.pid", Value = new AnyValue { IntValue = 4242 } },
                        new KeyValue { KeyStrindex = 9, Value = new AnyValue { StringValueStrindex = 10 } },
                    },
                },
                SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
                ScopeProfiles =
                {
                    new ScopeProfiles
                    {
                        Scope = new InstrumentationScope { Name = "otel-ebpf-profiler", Version = "0.159.0" },
                        SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
                        Profiles =
                        {
                            new Profile
                            {
                                SampleType = new ValueType { TypeStrindex = 1, UnitStrindex = 2 },
                                PeriodType = new ValueType { TypeStrindex = 3, UnitStrindex = 4 },
                                Period = 50_000_000,
                                TimeUnixNano = 1_752_000_000_000_000_000,
                                DurationNano = 5_000_000_000,
                                ProfileId = ByteString.CopyFrom(OracleMessages.ProfileId),
                                AttributeIndices = { 2 },
                                Samples =
                                {
                                    new Sample
                                    {
                                        StackIndex = 1,
                                        AttributeIndices = { 1 },
                                        LinkIndex = 1,
                                        TimestampsUnixNano = { 1_752_000_000_100_000_000, 1_752_000_000_150_000_000 },
                                    },
                                    new Sample { StackIndex = 2, Values = { 3 } },
                                },
                            },
                        },
                    },
                },
            },
        },
        Dictionary = new ProfilesDictionary
        {
            MappingTable =
            {
                new Mapping(),
                new Mapping { MemoryStart = 4_194_304, MemoryLimit = 4_329_472, FilenameStrindex = 5 },
            },
            LocationTable =
            {
                new Location(),
                new Location { MappingIndex = 1, Address = 4_198_400, Lines = { new Line { FunctionIndex = 1, Line_ = 12 } } },
                new Location
                {
                    MappingIndex = 1,
                    Address = 4_198_656,
                    Lines = { new Line { FunctionIndex = 2, Line_ = 30, Column = 5 } },
                    AttributeIndices = { 3 },
                },
            },
            FunctionTable =
            {
                new Function(),
                new Function { NameStrindex = 6, FilenameStrindex = 7 },
                new Function { NameStrindex = 8, FilenameStrindex = 7, StartLine = 28 },
            },
            LinkTable =
            {
                new Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) },
                new Link { TraceId = ByteString.CopyFrom(OracleMessages.TraceId), SpanId = ByteString.CopyFrom(OracleMessages.SpanId) },
            },
            StringTable =
            {
                "", "samples", "count", "cpu", "nanoseconds", "/usr/bin/checkout", "main", "main.go", "handle",
                "host.name", "node-1", "thread.name", "worker-1", "profile.frame.type", "go",
            },
            AttributeTable =
            {
                new KeyValueAndUnit(),
                new KeyValueAndUnit { KeyStrindex = 11, Value = new AnyValue { StringValue = "worker-1" } },
                new KeyValueAndUnit { KeyStrindex = 3, Value = new AnyValue { DoubleValue = 0.5 }, UnitStrindex = 4 },
                new KeyValueAndUnit { KeyStrindex = 13, Value = new AnyValue { StringValueStrindex = 14 } },
            },
            StackTable =
            {
                new Stack(),
                new Stack { LocationIndices = { 1 } },
                new Stack { LocationIndices = { 2, 1 } },
            },
        },
    };

    [Fact]
    public void Hand_written_collector_style_document_decodes_to_the_expected_request()
    {
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(HandWrittenDocument.EbpfCpuProfile, OracleMessages.RequestName, ProfileReadLimits.Default);

        Assert.Equal(Expected, ExportProfilesServiceRequest.Parser.ParseFrom(protobuf));
    }

    [Fact]
    public void Writing_the_decoded_document_again_gives_the_same_message()
    {
        var protobuf = OtlpJsonTranscoder.JsonToProtobuf(HandWrittenDocument.EbpfCpuProfile, OracleMessages.RequestName, ProfileReadLimits.Default);

        var json = OtlpJsonTranscoder.ProtobufToJson(protobuf, OracleMessages.RequestName, indented: true);

        Assert.Equal(Expected, ExportProfilesServiceRequest.Parser.ParseFrom(OtlpJsonTranscoder.JsonToProtobuf(json, OracleMessages.RequestName, ProfileReadLimits.Default)));
    }
}
