using Google.Protobuf;
using OC = Ember.Profiles.Tests.Oracle.Common;
using OP = Ember.Profiles.Tests.Oracle.Pprof;
using OR = Ember.Profiles.Tests.Oracle.Resource;
using OT = Ember.Profiles.Tests.Oracle.Profiles;

namespace Ember.Profiles.Tests.Codecs;

/// <summary>Rich profiles built with the oracle types, covering every field of both schemas.</summary>
internal static class OracleSamples
{
    public static OP.Profile RichPprof()
    {
        var p = new OP.Profile();
        p.StringTable.Add(new[]
        {
            "", "samples", "count", "cpu", "nanoseconds", "main", "main.go", "runtime.mallocgc", "malloc.go",
            "/usr/bin/app", "deadbeef", "std::vector<int>::push_back", "_ZNSt6vectorIiE9push_backEOi", "thread", "worker-1",
            "bytes", "alloc", "drop.*", "keep.*", "a comment", "https://example.com/doc", "libc.so.6", "ünïcødé 🔥",
        });
        p.SampleType.Add(new OP.ValueType { Type = 1, Unit = 2 });
        p.SampleType.Add(new OP.ValueType { Type = 3, Unit = 4 });
        p.Mapping.Add(new OP.Mapping { Id = 1, MemoryStart = 0x400000, MemoryLimit = 0x500000, FileOffset = 0x1000, Filename = 9, BuildId = 10, HasFunctions = true, HasFilenames = true, HasLineNumbers = true, HasInlineFrames = true });
        p.Mapping.Add(new OP.Mapping { Id = 7, MemoryStart = 0x7f0000000000, MemoryLimit = 0x7f0000100000, Filename = 21 });
        p.Function.Add(new OP.Function { Id = 3, Name = 5, SystemName = 5, Filename = 6, StartLine = 10 });
        p.Function.Add(new OP.Function { Id = 4, Name = 7, SystemName = 7, Filename = 8, StartLine = 900 });
        p.Function.Add(new OP.Function { Id = 5, Name = 11, SystemName = 12, Filename = 0 });
        p.Function.Add(new OP.Function { Id = 6, Name = 22 });
        p.Location.Add(new OP.Location { Id = 10, MappingId = 1, Address = 0x401000, Line = { new OP.Line { FunctionId = 3, Line_ = 12, Column = 3 } } });
        p.Location.Add(new OP.Location { Id = 11, MappingId = 1, Address = 0x402000, Line = { new OP.Line { FunctionId = 4, Line_ = 901 }, new OP.Line { FunctionId = 3, Line_ = 20 } } });
        p.Location.Add(new OP.Location { Id = 12, MappingId = 7, Address = 0x7f0000000123, Line = { new OP.Line { FunctionId = 5 } }, IsFolded = true });
        p.Location.Add(new OP.Location { Id = 13, Address = 0xffffffff81000000 });
        p.Location.Add(new OP.Location { Id = 14, MappingId = 1, Address = 0x403000, Line = { new OP.Line { FunctionId = 6, Line_ = 1 } } });
        p.Sample.Add(new OP.Sample { LocationId = { 11, 10 }, Value = { 3, 30_000_000 }, Label = { new OP.Label { Key = 13, Str = 14 } } });
        p.Sample.Add(new OP.Sample { LocationId = { 12, 11, 10 }, Value = { 1, 10_000_000 }, Label = { new OP.Label { Key = 16, Num = 4096, NumUnit = 15 }, new OP.Label { Key = 16, Num = -1 } } });
        p.Sample.Add(new OP.Sample { LocationId = { 13, 14, 10 }, Value = { long.MaxValue, long.MinValue } });
        p.Sample.Add(new OP.Sample { Value = { 0, 0 } });
        p.DropFrames = 17;
        p.KeepFrames = 18;
        p.TimeNanos = 1_700_000_000_123_456_789;
        p.DurationNanos = 10_000_000_000;
        p.PeriodType = new OP.ValueType { Type = 3, Unit = 4 };
        p.Period = 10_000_000;
        p.Comment.Add(19);
        p.Comment.Add(0);
        p.DefaultSampleType = 3;
        p.DocUrl = 20;
        return p;
    }

    public static OT.ProfilesData RichOtlp()
    {
        var d = new OT.ProfilesDictionary();
        d.StringTable.Add(new[]
        {
            "", "samples", "count", "cpu", "nanoseconds", "main", "main.go", "/usr/bin/app", "profile.frame.type", "native",
            "process.executable.build_id.gnu", "0123abcd", "thread.name", "worker", "bytes", "service.name", "checkout", "host.name", "kernel",
        });
        d.MappingTable.Add(new OT.Mapping());
        d.MappingTable.Add(new OT.Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, FileOffset = 0x1000, FilenameStrindex = 7, AttributeIndices = { 2 } });
        d.FunctionTable.Add(new OT.Function());
        d.FunctionTable.Add(new OT.Function { NameStrindex = 5, SystemNameStrindex = 5, FilenameStrindex = 6, StartLine = 3 });
        d.AttributeTable.Add(new OT.KeyValueAndUnit());
        d.AttributeTable.Add(new OT.KeyValueAndUnit { KeyStrindex = 8, Value = new OC.AnyValue { StringValue = "native" } });
        d.AttributeTable.Add(new OT.KeyValueAndUnit { KeyStrindex = 10, Value = new OC.AnyValue { StringValueStrindex = 11 } });
        d.AttributeTable.Add(new OT.KeyValueAndUnit { KeyStrindex = 12, Value = new OC.AnyValue { StringValue = "worker" } });
        d.AttributeTable.Add(new OT.KeyValueAndUnit { KeyStrindex = 14, Value = new OC.AnyValue { IntValue = -42 }, UnitStrindex = 14 });
        d.AttributeTable.Add(new OT.KeyValueAndUnit
        {
            KeyStrindex = 13,
            Value = new OC.AnyValue
            {
                ArrayValue = new OC.ArrayValue
                {
                    Values =
                    {
                        new OC.AnyValue { BoolValue = true },
                        new OC.AnyValue { DoubleValue = 2.5 },
                        new OC.AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) },
                        new OC.AnyValue { KvlistValue = new OC.KeyValueList { Values = { new OC.KeyValue { Key = "k", Value = new OC.AnyValue { StringValue = "v" } } } } },
                    },
                },
            },
        });
        d.AttributeTable.Add(new OT.KeyValueAndUnit { KeyStrindex = 8, Value = new OC.AnyValue { StringValueStrindex = 18 } });
        d.LocationTable.Add(new OT.Location());
        d.LocationTable.Add(new OT.Location { MappingIndex = 1, Address = 0x401000, Lines = { new OT.Line { FunctionIndex = 1, Line_ = 7, Column = 2 } }, AttributeIndices = { 1 } });
        d.LocationTable.Add(new OT.Location { Address = 0xffffffff81001234, AttributeIndices = { 6 } });
        d.LinkTable.Add(new OT.Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) });
        d.LinkTable.Add(new OT.Link { TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()), SpanId = ByteString.CopyFrom(Enumerable.Range(1, 8).Select(i => (byte)(i * 3)).ToArray()) });
        d.StackTable.Add(new OT.Stack());
        d.StackTable.Add(new OT.Stack { LocationIndices = { 2, 1 } });
        d.StackTable.Add(new OT.Stack { LocationIndices = { 1 } });

        var profile = new OT.Profile
        {
            SampleType = new OT.ValueType { TypeStrindex = 1, UnitStrindex = 2 },
            TimeUnixNano = 1_800_000_000_000_000_000,
            DurationNano = 5_000_000_000,
            PeriodType = new OT.ValueType { TypeStrindex = 3, UnitStrindex = 4 },
            Period = 52_631_578,
            ProfileId = ByteString.CopyFrom(Enumerable.Range(100, 16).Select(i => (byte)i).ToArray()),
            DroppedAttributesCount = 2,
            OriginalPayloadFormat = "pprof",
            OriginalPayload = ByteString.CopyFrom(9, 9, 9),
            AttributeIndices = { 4 },
        };
        profile.Samples.Add(new OT.Sample { StackIndex = 1, AttributeIndices = { 3, 5 }, LinkIndex = 1, TimestampsUnixNano = { 1_800_000_000_100_000_000, 1_800_000_000_200_000_000 } });
        profile.Samples.Add(new OT.Sample { StackIndex = 2, Values = { 5 } });
        profile.Samples.Add(new OT.Sample { StackIndex = 0, Values = { 1, -2 }, TimestampsUnixNano = { 1, 2 } });

        var resource = new OT.ResourceProfiles
        {
            Resource = new OR.Resource
            {
                Attributes =
                {
                    new OC.KeyValue { Key = "service.name", Value = new OC.AnyValue { StringValue = "checkout" } },
                    new OC.KeyValue { KeyStrindex = 17, Value = new OC.AnyValue { StringValueStrindex = 16 } },
                    new OC.KeyValue { Key = "process.pid", Value = new OC.AnyValue { IntValue = 4242 } },
                },
                DroppedAttributesCount = 1,
                EntityRefs = { new OC.EntityRef { SchemaUrl = "https://opentelemetry.io/schemas/1.37.0", Type = "process", IdKeys = { "process.pid" }, DescriptionKeys = { "process.executable.name" } } },
            },
            SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
        };
        resource.ScopeProfiles.Add(new OT.ScopeProfiles
        {
            Scope = new OC.InstrumentationScope { Name = "ember", Version = "0.1.0", Attributes = { new OC.KeyValue { Key = "pprof.scope.default_sample_type", Value = new OC.AnyValue { StringValue = "cpu" } } }, DroppedAttributesCount = 3 },
            SchemaUrl = "https://opentelemetry.io/schemas/1.37.0",
            Profiles = { profile },
        });
        return new OT.ProfilesData { ResourceProfiles = { resource }, Dictionary = d };
    }
}
