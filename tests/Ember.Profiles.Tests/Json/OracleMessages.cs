using Ember.Profiles.Tests.Oracle.Collector;
using Ember.Profiles.Tests.Oracle.Common;
using Ember.Profiles.Tests.Oracle.Profiles;
using Ember.Profiles.Tests.Oracle.Resource;
using Google.Protobuf;
using ValueType = Ember.Profiles.Tests.Oracle.Profiles.ValueType;

namespace Ember.Profiles.Tests.Json;

/// <summary>Requests built with the generated Google.Protobuf types, the independent oracle.</summary>
internal static class OracleMessages
{
    public const string RequestName = "ExportProfilesServiceRequest";

    public static readonly byte[] TraceId = Convert.FromHexString("5b8efff798038103d269b633813fc60c");
    public static readonly byte[] SpanId = Convert.FromHexString("eee19b7ec3c1b174");
    public static readonly byte[] ProfileId = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10");

    /// <summary>Every byte value, so that base64 output needs '+' and '/'.</summary>
    public static readonly byte[] AllByteValues = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    /// <summary>
    /// A request that exercises every message and scalar kind of the schema: all dictionary tables
    /// with their zero element, reference-based attributes, nested arrays and kvlists, bytes,
    /// doubles including NaN and infinities, extreme integers, oneof members holding defaults and
    /// messages that are present but empty.
    /// </summary>
    /// <param name="withIds">False leaves out trace, span and profile ids, the fields whose JSON
    /// form (hex) differs from the plain protobuf JSON mapping (base64).</param>
    public static ExportProfilesServiceRequest Rich(bool withIds = true)
    {
        var request = new ExportProfilesServiceRequest
        {
            Dictionary = Dictionary(withIds),
            ResourceProfiles =
            {
                new ResourceProfiles
                {
                    Resource = new Resource
                    {
                        Attributes =
                        {
                            new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "checkout" } },
                            new KeyValue { KeyStrindex = 9, Value = new AnyValue { StringValueStrindex = 10 } },
                            new KeyValue { Key = "process.pid", Value = new AnyValue { IntValue = 4242 } },
                            new KeyValue { Key = "empty.value", Value = new AnyValue() },
                            new KeyValue { Key = "no.value" },
                        },
                        DroppedAttributesCount = 3,
                        EntityRefs =
                        {
                            new EntityRef
                            {
                                SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
                                Type = "process",
                                IdKeys = { "process.pid", "" },
                                DescriptionKeys = { "process.executable.name" },
                            },
                        },
                    },
                    SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
                    ScopeProfiles =
                    {
                        new ScopeProfiles
                        {
                            Scope = new InstrumentationScope
                            {
                                Name = "ember-agent",
                                Version = "1.0.0",
                                Attributes = { new KeyValue { Key = "scope.attr", Value = new AnyValue { BoolValue = true } } },
                                DroppedAttributesCount = uint.MaxValue,
                            },
                            SchemaUrl = "https://opentelemetry.io/schemas/1.44.0",
                            Profiles = { CpuProfile(withIds), ExtremesProfile() },
                        },
                        new ScopeProfiles { Scope = new InstrumentationScope() },
                    },
                },
                new ResourceProfiles(),
            },
        };
        return request;
    }

    private static ProfilesDictionary Dictionary(bool withIds)
    {
        var dictionary = new ProfilesDictionary
        {
            MappingTable =
            {
                new Mapping(),
                new Mapping
                {
                    MemoryStart = 0x40_0000,
                    MemoryLimit = 0xFFFF_FFFF_FFFF_F000,
                    FileOffset = 0x1000,
                    FilenameStrindex = 5,
                    AttributeIndices = { 6 },
                },
            },
            LocationTable =
            {
                new Location(),
                new Location
                {
                    MappingIndex = 1,
                    Address = 0x40_1234,
                    Lines =
                    {
                        new Line { FunctionIndex = 1, Line_ = 42, Column = 7 },
                        new Line { FunctionIndex = 2, Line_ = long.MaxValue, Column = -1 },
                    },
                    AttributeIndices = { 1, 2 },
                },
                new Location { MappingIndex = 1, Address = ulong.MaxValue },
            },
            FunctionTable =
            {
                new Function(),
                new Function { NameStrindex = 6, SystemNameStrindex = 7, FilenameStrindex = 8, StartLine = 40 },
                new Function { NameStrindex = 12, StartLine = long.MinValue },
            },
            StringTable =
            {
                "", "cpu", "nanoseconds", "samples", "count", "/usr/bin/app", "main", "_Z4mainv", "main.c",
                "service.name", "checkout", "thread.name", "é ü 中文 🔥", "quote\" backslash\\ newline\n tab\t <html>&'\u0001",
            },
            AttributeTable =
            {
                new KeyValueAndUnit(),
                new KeyValueAndUnit { KeyStrindex = 11, Value = new AnyValue { StringValue = "worker-1" } },
                new KeyValueAndUnit { KeyStrindex = 3, Value = new AnyValue { IntValue = -5 }, UnitStrindex = 4 },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = 3.141592653589793 } },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = -0.0 } },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = double.NaN } },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = double.PositiveInfinity } },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = double.NegativeInfinity } },
                new KeyValueAndUnit { KeyStrindex = 1, Value = new AnyValue { DoubleValue = double.Epsilon } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { BoolValue = false } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { IntValue = 0 } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { StringValue = "" } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { DoubleValue = 0.0 } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { StringValueStrindex = 0 } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { BytesValue = ByteString.Empty } },
                new KeyValueAndUnit { KeyStrindex = 2, Value = new AnyValue { BytesValue = ByteString.CopyFrom(AllByteValues) } },
                new KeyValueAndUnit
                {
                    KeyStrindex = 2,
                    Value = new AnyValue
                    {
                        ArrayValue = new ArrayValue
                        {
                            Values =
                            {
                                new AnyValue { IntValue = long.MinValue },
                                new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "nested" } } } },
                                new AnyValue { ArrayValue = new ArrayValue() },
                                new AnyValue(),
                            },
                        },
                    },
                },
                new KeyValueAndUnit
                {
                    KeyStrindex = 2,
                    Value = new AnyValue
                    {
                        KvlistValue = new KeyValueList
                        {
                            Values =
                            {
                                new KeyValue { Key = "inner", Value = new AnyValue { KvlistValue = new KeyValueList() } },
                                new KeyValue { KeyStrindex = 12, Value = new AnyValue { BytesValue = ByteString.CopyFromUtf8("hi") } },
                            },
                        },
                    },
                },
            },
            StackTable =
            {
                new Stack(),
                new Stack { LocationIndices = { 1, 2 } },
                new Stack { LocationIndices = { int.MaxValue, int.MinValue, -1 } },
            },
        };

        if (withIds)
        {
            dictionary.LinkTable.Add(new Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) });
            dictionary.LinkTable.Add(new Link { TraceId = ByteString.CopyFrom(TraceId), SpanId = ByteString.CopyFrom(SpanId) });
        }

        return dictionary;
    }

    private static Profile CpuProfile(bool withIds)
    {
        var profile = new Profile
        {
            SampleType = new ValueType { TypeStrindex = 3, UnitStrindex = 4 },
            PeriodType = new ValueType { TypeStrindex = 1, UnitStrindex = 2 },
            Period = 50_000_000,
            TimeUnixNano = 1_700_000_000_123_456_789,
            DurationNano = 5_000_000_000,
            DroppedAttributesCount = 1,
            OriginalPayloadFormat = "pprof",
            OriginalPayload = ByteString.CopyFrom(AllByteValues),
            AttributeIndices = { 1 },
            Samples =
            {
                new Sample
                {
                    StackIndex = 1,
                    AttributeIndices = { 1, 2 },
                    LinkIndex = withIds ? 1 : 0,
                    TimestampsUnixNano = { 1_700_000_000_200_000_000, 1_700_000_000_250_000_000 },
                },
                new Sample { StackIndex = 2, Values = { 10, -20, 9_007_199_254_740_993 } },
                new Sample(),
            },
        };

        if (withIds)
        {
            profile.ProfileId = ByteString.CopyFrom(ProfileId);
        }

        return profile;
    }

    /// <summary>A profile of boundary values: the largest unsigned, the most negative signed.</summary>
    private static Profile ExtremesProfile() => new()
    {
        SampleType = new ValueType(),
        Period = long.MinValue,
        TimeUnixNano = ulong.MaxValue,
        DurationNano = ulong.MaxValue,
        AttributeIndices = { int.MinValue, 0, int.MaxValue },
        Samples =
        {
            new Sample
            {
                StackIndex = int.MaxValue,
                LinkIndex = int.MinValue,
                Values = { long.MinValue, long.MaxValue, 0, -1 },
                TimestampsUnixNano = { 0, ulong.MaxValue, 1 },
            },
        },
    };
}
