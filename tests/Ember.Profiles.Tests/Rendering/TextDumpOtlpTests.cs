using Ember.Profiles.Otlp;
using Ember.Profiles.Rendering;

namespace Ember.Profiles.Tests.Rendering;

public class TextDumpOtlpTests
{
    private const string ExpectedDump = """
        otlp profiles
        resource_profiles schema_url="https://opentelemetry.io/schemas/1.30.0"
          resource dropped_attributes_count=0
            attribute "process.pid"=4242
            attribute "service.name"="checkout"
            entity_ref schema_url="" type="service" id_keys=["service.name"] description_keys=[]
          scope_profiles schema_url=""
            scope name="ember-agent" version="0.1.0" dropped_attributes_count=0
            profile
              sample_type type="samples" unit="count"
              period_type type="cpu" unit="nanoseconds"
              period 52631578
              time_unix_nano 1700000000000000000
              duration_nano 15000000000
              profile_id bytes(00112233445566778899aabbccddeeff)
              dropped_attributes_count 0
              original_payload_format "pprof"
              original_payload length=3 sha256=039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81
              attribute "pprof.profile.comment"=["a", "b"]
              sample values=[2] timestamps_unix_nano=[]
                attribute "thread.name"="worker"
                frame 0x1234 M1
                  attribute "profile.frame.type"="native"
              sample values=[3] timestamps_unix_nano=[1700000000000000001 1700000000000000002]
                attribute "cpu.mhz"=double(2400.5) unit="MHz"
                attribute "thread.name"="main"
                link trace_id=bytes(0102030405060708090a0b0c0d0e0f10) span_id=bytes(1112131415161718)
                frame 0x401000 M2
                  attribute "profile.frame.type"="go"
                  line F1 "main.hotLoop" "main.go":22:3
                frame 0x400500 M2
                  attribute "profile.frame.type"="go"
                  line F2 "main.main" "main.go":8:0
        mapping M1 start=0x0 limit=0x100000 offset=0x0 file="/usr/lib/libc.so.6"
        mapping M2 start=0x400000 limit=0x500000 offset=0x0 file="/usr/bin/app"
          attribute "process.executable.build_id.gnu"="abc123"
        function F1 name="main.hotLoop" system_name="" file="main.go" start_line=20
        function F2 name="main.main" system_name="" file="main.go" start_line=5

        """;

    [Fact]
    public void Profiles_data_dumps_to_the_documented_canonical_text()
    {
        Assert.Equal(ExpectedDump, TextDump.Write(Fixture.Build()));
    }

    [Fact]
    public void Data_built_differently_but_meaning_the_same_dumps_identically()
    {
        var differently = Fixture.Build(reverseOrders: true, duplicateEqualObjects: true);

        Assert.Equal(TextDump.Write(Fixture.Build()), TextDump.Write(differently));
    }

    public static TheoryData<string> MutationNames => new(Mutations.Keys);

    [Theory]
    [MemberData(nameof(MutationNames))]
    public void Changing_any_one_field_changes_the_dump(string mutation)
    {
        var original = TextDump.Write(Fixture.Build());
        var data = Fixture.Build();

        Mutations[mutation](data);

        Assert.NotEqual(original, TextDump.Write(data));
    }

    private static Dictionary<string, Action<ProfilesData>> Mutations { get; } = new()
    {
        ["resource schema url"] = d => d.ResourceProfiles[0].SchemaUrl = string.Empty,
        ["resource attribute value"] = d => d.ResourceProfiles[0].Resource.Attributes[0] = new KeyValue("service.name", AnyValue.String("cart")),
        ["resource attribute int becomes string"] = d => d.ResourceProfiles[0].Resource.Attributes[1] = new KeyValue("process.pid", AnyValue.String("4242")),
        ["resource attribute int becomes double"] = d => d.ResourceProfiles[0].Resource.Attributes[1] = new KeyValue("process.pid", AnyValue.Double(4242)),
        ["resource dropped attributes"] = d => d.ResourceProfiles[0].Resource.DroppedAttributesCount = 1,
        ["entity ref key"] = d => d.ResourceProfiles[0].Resource.EntityRefs[0].DescriptionKeys.Add("service.version"),
        ["scope name"] = d => Scope(d).Scope.Name = "other",
        ["scope version"] = d => Scope(d).Scope.Version = "0.2.0",
        ["scope attribute"] = d => Scope(d).Scope.Attributes.Add(new KeyValue("a", AnyValue.Bool(true))),
        ["scope dropped attributes"] = d => Scope(d).Scope.DroppedAttributesCount = 2,
        ["scope schema url"] = d => Scope(d).SchemaUrl = "x",
        ["sample type"] = d => Profile(d).SampleType = new ProfileValueType("cpu", "nanoseconds"),
        ["period type"] = d => Profile(d).PeriodType = null,
        ["period"] = d => Profile(d).Period++,
        ["time"] = d => Profile(d).TimeUnixNano++,
        ["duration"] = d => Profile(d).DurationNano++,
        ["profile id"] = d => Profile(d).ProfileId = new byte[16],
        ["profile dropped attributes"] = d => Profile(d).DroppedAttributesCount = 3,
        ["original payload format"] = d => Profile(d).OriginalPayloadFormat = "jfr",
        ["original payload"] = d => Profile(d).OriginalPayload = [1, 2, 4],
        ["profile attribute array order"] = d => Profile(d).Attributes[0] = new KeyValueAndUnit(
            "pprof.profile.comment", AnyValue.Array([AnyValue.String("b"), AnyValue.String("a")])),
        ["sample value"] = d => Profile(d).Samples[0].Values[0]++,
        ["sample timestamp"] = d => Profile(d).Samples[0].TimestampsUnixNano[1]++,
        ["sample attribute unit"] = d => Profile(d).Samples[0].Attributes[1] = new KeyValueAndUnit("cpu.mhz", AnyValue.Double(2400.5), "GHz"),
        ["sample attribute double value"] = d => Profile(d).Samples[0].Attributes[1] = new KeyValueAndUnit("cpu.mhz", AnyValue.Double(2400.25), "MHz"),
        ["sample link span"] = d => Profile(d).Samples[0].Link = new Link(Profile(d).Samples[0].Link!.TraceId, [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x19]),
        ["sample link removed"] = d => Profile(d).Samples[0].Link = null,
        ["stack order"] = d => Profile(d).Samples[0].Stack.Locations.Reverse(),
        ["location attribute"] = d => Profile(d).Samples[0].Stack.Locations[0].Attributes[0] = KeyValueAndUnit.String("profile.frame.type", "native"),
        ["location address"] = d => Profile(d).Samples[0].Stack.Locations[0].Address++,
        ["line number"] = d => Profile(d).Samples[0].Stack.Locations[0].Lines[0].Number++,
        ["line column"] = d => Profile(d).Samples[0].Stack.Locations[0].Lines[0].Column++,
        ["function system name"] = d => Profile(d).Samples[0].Stack.Locations[0].Lines[0].Function!.SystemName = "x",
        ["mapping attribute"] = d => Profile(d).Samples[0].Stack.Locations[0].Mapping!.Attributes.Clear(),
        ["mapping offset"] = d => Profile(d).Samples[0].Stack.Locations[0].Mapping!.FileOffset = 4096,
        ["sample removed"] = d => Profile(d).Samples.RemoveAt(1),
        ["profile added"] = d => Scope(d).Profiles.Add(new Otlp.Profile()),
    };

    private static ScopeProfiles Scope(ProfilesData data) => data.ResourceProfiles[0].ScopeProfiles[0];

    private static Otlp.Profile Profile(ProfilesData data) => Scope(data).Profiles[0];

    /// <summary>The data of <see cref="ExpectedDump"/>, buildable in different but equivalent ways.</summary>
    private static class Fixture
    {
        public static ProfilesData Build(bool reverseOrders = false, bool duplicateEqualObjects = false)
        {
            Mapping App()
            {
                var mapping = new Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, FileName = "/usr/bin/app" };
                mapping.Attributes.Add(KeyValueAndUnit.String("process.executable.build_id.gnu", "abc123"));
                return mapping;
            }

            Location GoFrame(ulong address, Function function, long line, long column, Mapping mapping)
            {
                var location = new Location { Mapping = mapping, Address = address };
                location.Lines.Add(new Line { Function = function, Number = line, Column = column });
                location.Attributes.Add(KeyValueAndUnit.String("profile.frame.type", "go"));
                return location;
            }

            var app = App();
            var hotLoop = new Function { Name = "main.hotLoop", FileName = "main.go", StartLine = 20 };
            var mainMain = new Function { Name = "main.main", FileName = "main.go", StartLine = 5 };
            var libc = new Location { Mapping = new Mapping { MemoryLimit = 0x100000, FileName = "/usr/lib/libc.so.6" }, Address = 0x1234 };
            libc.Attributes.Add(KeyValueAndUnit.String("profile.frame.type", "native"));

            var onMain = new Sample { Link = new Link([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18]) };
            onMain.Values.Add(3);
            onMain.TimestampsUnixNano.AddRange([1_700_000_000_000_000_001, 1_700_000_000_000_000_002]);
            onMain.Attributes.Add(KeyValueAndUnit.String("thread.name", "main"));
            onMain.Attributes.Add(new KeyValueAndUnit("cpu.mhz", AnyValue.Double(2400.5), "MHz"));
            // Equal mapping and function objects that a producer did not intern.
            var mainFrameMapping = duplicateEqualObjects ? App() : app;
            var mainFrameFunction = duplicateEqualObjects ? new Function { Name = "main.main", FileName = "main.go", StartLine = 5 } : mainMain;
            onMain.Stack.Locations.AddRange([GoFrame(0x401000, hotLoop, 22, 3, app), GoFrame(0x400500, mainFrameFunction, 8, 0, mainFrameMapping)]);

            var onWorker = new Sample();
            onWorker.Values.Add(2);
            onWorker.Attributes.Add(KeyValueAndUnit.String("thread.name", "worker"));
            onWorker.Stack.Locations.Add(libc);

            var profile = new Otlp.Profile
            {
                SampleType = new ProfileValueType("samples", "count"), PeriodType = new ProfileValueType("cpu", "nanoseconds"),
                Period = 52_631_578, TimeUnixNano = 1_700_000_000_000_000_000, DurationNano = 15_000_000_000,
                ProfileId = Convert.FromHexString("00112233445566778899aabbccddeeff"), OriginalPayloadFormat = "pprof",
                OriginalPayload = [1, 2, 3],
            };
            profile.Attributes.Add(new KeyValueAndUnit("pprof.profile.comment", AnyValue.Array([AnyValue.String("a"), AnyValue.String("b")])));
            profile.Samples.AddRange(reverseOrders ? [onWorker, onMain] : [onMain, onWorker]);

            var resource = new Resource();
            resource.Attributes.AddRange([new KeyValue("service.name", AnyValue.String("checkout")), new KeyValue("process.pid", AnyValue.Int(4242))]);
            resource.EntityRefs.Add(new EntityRef { Type = "service", IdKeys = { "service.name" } });
            if (reverseOrders)
            {
                resource.Attributes.Reverse();
                onMain.Attributes.Reverse();
            }

            var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember-agent", Version = "0.1.0" } };
            scope.Profiles.Add(profile);
            var resourceProfiles = new ResourceProfiles { Resource = resource, SchemaUrl = "https://opentelemetry.io/schemas/1.30.0" };
            resourceProfiles.ScopeProfiles.Add(scope);
            var data = new ProfilesData();
            data.ResourceProfiles.Add(resourceProfiles);
            return data;
        }
    }
}
