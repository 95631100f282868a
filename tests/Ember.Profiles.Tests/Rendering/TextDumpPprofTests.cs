using Ember.Profiles.Pprof;
using Ember.Profiles.Rendering;

namespace Ember.Profiles.Tests.Rendering;

public class TextDumpPprofTests
{
    private const string ExpectedDump = """
        pprof profile
        sample_type type="samples" unit="count"
        sample_type type="cpu" unit="nanoseconds"
        default_sample_type "cpu"
        period_type type="cpu" unit="nanoseconds"
        period 10000000
        time_nanos 1700000000000000000
        duration_nanos 10000000000
        drop_frames "runtime\\..*"
        keep_frames ""
        doc_url ""
        comment "recorded by \"ember\"\non node-1"
        sample values=[1 10000000]
          label "thread" str="worker"
          frame 0x7f0000001234 M1
          frame 0x400500 M2
            line F1 "main.main" "main.go":8:0
        sample values=[7 70000000]
          label "bytes" num=1024 unit="bytes"
          label "thread" str="main"
          frame 0x401000 M2
            line F2 "main.add" "math.go":4:9
            line F3 "main.hotLoop" "main.go":22:0
          frame 0x400500 M2
            line F1 "main.main" "main.go":8:0
        unreferenced_location 0x400900 M2 folded
        main_binary M2
        mapping M1 start=0x7f0000000000 limit=0x7f0000100000 offset=0x0 file="/usr/lib/libc.so.6" build_id="def456" has_functions=false has_filenames=false has_line_numbers=false has_inline_frames=false
        mapping M2 start=0x400000 limit=0x500000 offset=0x0 file="/usr/bin/app" build_id="abc123" has_functions=true has_filenames=true has_line_numbers=true has_inline_frames=true
        function F1 name="main.main" system_name="main.main" file="main.go" start_line=5
        function F2 name="main.add" system_name="" file="math.go" start_line=3
        function F3 name="main.hotLoop" system_name="main.hotLoop" file="main.go" start_line=20
        function F4 name="main.unused" system_name="" file="main.go" start_line=0

        """;

    [Fact]
    public void A_profile_dumps_to_the_documented_canonical_text()
    {
        Assert.Equal(ExpectedDump, TextDump.Write(Fixture.Build()));
    }

    [Fact]
    public void A_profile_built_differently_but_meaning_the_same_dumps_identically()
    {
        var differently = Fixture.Build(
            reverseLists: true, reverseSamples: true, reverseLabels: true, duplicateEqualObjects: true);

        Assert.Equal(TextDump.Write(Fixture.Build()), TextDump.Write(differently));
    }

    public static TheoryData<string> MutationNames => new(Mutations.Keys);

    [Theory]
    [MemberData(nameof(MutationNames))]
    public void Changing_any_one_field_changes_the_dump(string mutation)
    {
        var original = TextDump.Write(Fixture.Build());
        var profile = Fixture.Build();

        Mutations[mutation](profile);

        Assert.NotEqual(original, TextDump.Write(profile));
    }

    [Fact]
    public void Strings_with_quotes_backslashes_and_line_breaks_stay_on_one_line()
    {
        var profile = new StackProfile().Add("say \"hi\"\\\nnow\u2028\u0001", 1).Profile;

        var dump = TextDump.Write(profile);

        Assert.Contains("line F1 \"say \\\"hi\\\"\\\\\\nnow\\u2028\\u0001\" \"main.go\":10:0\n", dump, StringComparison.Ordinal);
    }

    private static Dictionary<string, Action<Profile>> Mutations { get; } = new()
    {
        ["sample value"] = p => p.Samples[0].Values[1]++,
        ["sample type unit"] = p => p.SampleTypes[1] = new ProfileValueType("cpu", "microseconds"),
        ["sample type name"] = p => p.SampleTypes[0] = new ProfileValueType("events", "count"),
        ["default sample type"] = p => p.DefaultSampleType = "samples",
        ["period"] = p => p.Period++,
        ["period type"] = p => p.PeriodType = null,
        ["time"] = p => p.TimeNanos++,
        ["duration"] = p => p.DurationNanos++,
        ["comment text"] = p => p.Comments[0] += ".",
        ["comment added"] = p => p.Comments.Add(string.Empty),
        ["drop frames"] = p => p.DropFrames = string.Empty,
        ["keep frames"] = p => p.KeepFrames = "main",
        ["doc url"] = p => p.DocUrl = "https://example.com/doc",
        ["label string value"] = p => p.Samples[0].Labels[0] = Label.String("thread", "other"),
        ["label key"] = p => p.Samples[0].Labels[0] = Label.String("thread_name", "main"),
        ["label number"] = p => p.Samples[0].Labels[1] = Label.Number("bytes", 1025, "bytes"),
        ["label unit"] = p => p.Samples[0].Labels[1] = Label.Number("bytes", 1024, "kilobytes"),
        ["string label becomes numeric"] = p => p.Samples[1].Labels[0] = Label.Number("thread", 0),
        ["label removed"] = p => p.Samples[0].Labels.RemoveAt(1),
        ["line number"] = p => Fixture.HotLoopLocation(p).Lines[1].Number++,
        ["line column"] = p => Fixture.HotLoopLocation(p).Lines[0].Column++,
        ["line loses its function"] = p => Fixture.HotLoopLocation(p).Lines[0].Function = null,
        ["inlined line dropped"] = p => Fixture.HotLoopLocation(p).Lines.RemoveAt(0),
        ["inlined lines swapped"] = p => Fixture.HotLoopLocation(p).Lines.Reverse(),
        ["function name"] = p => Fixture.Function(p, "main.hotLoop").Name = "main.hotloop",
        ["function system name"] = p => Fixture.Function(p, "main.add").SystemName = "main.add",
        ["function file"] = p => Fixture.Function(p, "main.main").FileName = "cmd/main.go",
        ["function start line"] = p => Fixture.Function(p, "main.main").StartLine = 6,
        ["unreferenced function changed"] = p => Fixture.Function(p, "main.unused").StartLine = 1,
        ["address"] = p => Fixture.HotLoopLocation(p).Address++,
        ["location loses its mapping"] = p => Fixture.HotLoopLocation(p).Mapping = null,
        ["location folded"] = p => Fixture.HotLoopLocation(p).IsFolded = true,
        ["mapping build id"] = p => p.Mappings[1].BuildId = "def457",
        ["mapping file"] = p => p.Mappings[1].FileName = "/lib/libc.so.6",
        ["mapping start"] = p => p.Mappings[0].MemoryStart++,
        ["mapping limit"] = p => p.Mappings[0].MemoryLimit++,
        ["mapping offset"] = p => p.Mappings[0].FileOffset = 0x1000,
        ["mapping has functions"] = p => p.Mappings[0].HasFunctions = false,
        ["mapping has filenames"] = p => p.Mappings[0].HasFilenames = false,
        ["mapping has line numbers"] = p => p.Mappings[0].HasLineNumbers = false,
        ["mapping has inline frames"] = p => p.Mappings[0].HasInlineFrames = false,
        ["main binary"] = p => p.Mappings.Reverse(),
        ["stack order"] = p => p.Samples[0].Locations.Reverse(),
        ["sample removed"] = p => p.Samples.RemoveAt(1),
        ["equal sample added"] = p => p.Samples.Add(Fixture.CopyOf(p.Samples[1])),
        ["unreferenced function added"] = p => p.Functions.Add(new Function { Name = "main.other" }),
        ["unreferenced location added"] = p => p.Locations.Add(new Location { Address = 0x400901, Mapping = p.Mappings[0] }),
        ["unreferenced mapping added"] = p => p.Mappings.Add(new Mapping { FileName = "[vdso]" }),
    };

    /// <summary>The profile of <see cref="ExpectedDump"/>, buildable in different but equivalent ways.</summary>
    private static class Fixture
    {
        public static Profile Build(
            bool reverseLists = false, bool reverseSamples = false, bool reverseLabels = false, bool duplicateEqualObjects = false)
        {
            var app = new Mapping
            {
                MemoryStart = 0x400000, MemoryLimit = 0x500000, FileName = "/usr/bin/app", BuildId = "abc123",
                HasFunctions = true, HasFilenames = true, HasLineNumbers = true, HasInlineFrames = true,
            };
            var libc = new Mapping { MemoryStart = 0x7f00_0000_0000, MemoryLimit = 0x7f00_0010_0000, FileName = "/usr/lib/libc.so.6", BuildId = "def456" };
            Function MainMain() => new() { Name = "main.main", SystemName = "main.main", FileName = "main.go", StartLine = 5 };
            var mainMain = MainMain();
            var hotLoop = new Function { Name = "main.hotLoop", SystemName = "main.hotLoop", FileName = "main.go", StartLine = 20 };
            var add = new Function { Name = "main.add", FileName = "math.go", StartLine = 3 };
            var unused = new Function { Name = "main.unused", FileName = "main.go" };

            var hot = new Location { Mapping = app, Address = 0x401000 };
            hot.Lines.Add(new Line { Function = add, Number = 4, Column = 9 });
            hot.Lines.Add(new Line { Function = hotLoop, Number = 22 });
            Location MainLocation(Function function)
            {
                var location = new Location { Mapping = app, Address = 0x400500 };
                location.Lines.Add(new Line { Function = function, Number = 8 });
                return location;
            }

            var main = MainLocation(mainMain);
            // Same content, different objects: a producer that did not intern.
            var mainAgain = duplicateEqualObjects ? MainLocation(MainMain()) : main;
            var inLibc = new Location { Mapping = libc, Address = 0x7f00_0000_1234 };
            var unreferenced = new Location { Mapping = app, Address = 0x400900, IsFolded = true };

            var profile = new Profile
            {
                DefaultSampleType = "cpu", PeriodType = new ProfileValueType("cpu", "nanoseconds"), Period = 10_000_000,
                TimeNanos = 1_700_000_000_000_000_000, DurationNanos = 10_000_000_000, DropFrames = "runtime\\..*",
            };
            profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
            profile.SampleTypes.Add(new ProfileValueType("cpu", "nanoseconds"));
            profile.Comments.Add("recorded by \"ember\"\non node-1");

            var onMain = new Sample { Locations = { hot, main }, Values = { 7, 70_000_000 } };
            onMain.Labels.Add(Label.String("thread", "main"));
            onMain.Labels.Add(Label.Number("bytes", 1024, "bytes"));
            var onWorker = new Sample { Locations = { inLibc, mainAgain }, Values = { 1, 10_000_000 } };
            onWorker.Labels.Add(Label.String("thread", "worker"));
            profile.Samples.AddRange(reverseSamples ? [onWorker, onMain] : [onMain, onWorker]);
            if (reverseLabels)
            {
                onMain.Labels.Reverse();
            }

            // The main binary stays first: pprof gives that position a meaning.
            profile.Mappings.AddRange([app, libc]);
            List<Location> locations = duplicateEqualObjects ? [hot, main, mainAgain, inLibc, unreferenced, unreferenced] : [hot, main, inLibc, unreferenced];
            List<Function> functions = duplicateEqualObjects ? [mainMain, hotLoop, add, unused, MainMain(), unused] : [mainMain, hotLoop, add, unused];
            if (reverseLists)
            {
                locations.Reverse();
                functions.Reverse();
            }

            profile.Locations.AddRange(locations);
            profile.Functions.AddRange(functions);
            return profile;
        }

        public static Location HotLoopLocation(Profile profile) => profile.Locations.Single(l => l.Address == 0x401000);

        public static Function Function(Profile profile, string name) => profile.Functions.Single(f => f.Name == name);

        public static Sample CopyOf(Sample sample)
        {
            var copy = new Sample();
            copy.Locations.AddRange(sample.Locations);
            copy.Values.AddRange(sample.Values);
            copy.Labels.AddRange(sample.Labels);
            return copy;
        }
    }
}
