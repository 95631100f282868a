using CsCheck;
using P = Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Conversion;

/// <summary>
/// Random valid-shaped pprof profiles: stacks over a small pool of functions and locations, random
/// mappings with build IDs and flags, string and numeric labels (a numeric key always has the same
/// unit, as in real profiles), span/trace labels that are and are not linkable, and random header
/// fields. Only reachable locations, mappings and functions are listed, mappings in address order.
/// </summary>
internal static class RandomPprof
{
    private static readonly ProfileValueType[] SampleTypes =
        [new("samples", "count"), new("cpu", "nanoseconds"), new("alloc_space", "bytes"), new("inuse_objects", "count")];

    private static readonly string[] FunctionNames = ["main.main", "net/http.(*conn).serve", "encoding/json.Marshal", "runtime.mallocgc", "memmove", "schedule"];
    private static readonly string[] Files = ["", "/usr/local/bin/app", "/usr/lib/libc.so.6", "[vdso]", "/src/app/main.go"];
    private static readonly (string Key, string Unit)[] NumericKeys = [("bytes", "bytes"), ("latency", "nanoseconds"), ("goroutine", "")];
    private static readonly string[] StringKeys = ["tenant", "http.route", "thread.name"];
    private static readonly string[] Texts = ["", "acme", "/checkout", "main thread", "ünïcode ✓"];
    private static readonly string[] NotLinkableSpanIds = ["0000000000000000", "00F067AA0BA902B7", "00f067aa0ba902", "xyz"];
    private static readonly string[] NotLinkableTraceIds = ["00000000000000000000000000000000", "4BF92F3577B34DA6A3CE929D0E0E4736", "trace"];
    private static readonly string[] DefaultTypes = ["", "bogus", "samples", "cpu", "alloc_space", "inuse_objects"];

    private static readonly Gen<P.Label> Label = Gen.OneOf<P.Label>(
        Gen.Select(Pick(StringKeys), Pick(Texts), P.Label.String),
        Gen.Select(Pick(NumericKeys), Gen.Long[-5, 1L << 40], (key, value) => P.Label.Number(key.Key, value, key.Unit)),
        Gen.OneOf<string>(Hex(16), Pick(NotLinkableSpanIds)).Select(id => P.Label.String("span_id", id)),
        Gen.OneOf<string>(Hex(32), Pick(NotLinkableTraceIds)).Select(id => P.Label.String("trace_id", id)));

    private static readonly Gen<P.Function> Function = Gen.Select(
        Pick(FunctionNames), Gen.Bool, Pick(Files), Gen.Long[0, 500],
        (name, mangled, file, start) => new P.Function
        {
            Name = name,
            SystemName = mangled ? "_Z" + name.Length + name : string.Empty,
            FileName = file,
            StartLine = start,
        });

    private static readonly Gen<(int Size, int Offset, string File, string BuildId, bool[] Flags)> MappingSpec = Gen.Select(
        Gen.Int[1, 1 << 20], Gen.Int[0, 1 << 16], Pick(Files), Gen.OneOf<string>(Gen.Const(string.Empty), Hex(40)), Gen.Bool.Array[4]);

    private static readonly Gen<(int Mapping, int Offset, bool Folded, (int Function, long Line, long Column)[] Lines)> LocationSpec = Gen.Select(
        Gen.Int[-1, 3], Gen.Int[0, 4095], Gen.Bool, Gen.Select(Gen.Int[-1, 5], Gen.Long[0, 5000], Gen.Long[0, 80]).Array[0, 3]);

    private static readonly Gen<(long Time, long Duration, long Period, int PeriodType, int DefaultType)> HeaderSpec = Gen.Select(
        Gen.Long, Gen.Long[-1000, 100_000_000_000], Gen.Long[0, 1_000_000_000], Gen.Int[-1, 3], Gen.Int[0, DefaultTypes.Length - 1]);

    private static readonly Gen<(string[] Comments, string Drop, string Keep, string DocUrl)> TextSpec = Gen.Select(
        Pick(Texts).Array[0, 3], Pick(["", @"runtime\..*"]), Pick(["", @"runtime\.main"]), Pick(["", "https://example.com/doc"]));

    public static readonly Gen<P.Profile> Profile =
        from types in Pick(SampleTypes).Array[1, 4]
        from functions in Function.Array[1, 6]
        from mappings in MappingSpec.Array[0, 3]
        from locations in LocationSpec.Array[1, 8]
        from samples in Gen.Select(Gen.Int[0, 7].Array[0, 6], Gen.Long[-10, 1_000_000_000].Array[types.Length], Label.Array[0, 5]).Array[0, 20]
        from header in HeaderSpec
        from texts in TextSpec
        select Build(types, functions, mappings, locations, samples, header, texts);

    private static Gen<T> Pick<T>(T[] items) => Gen.Int[0, items.Length - 1].Select(index => items[index]);

    private static Gen<string> Hex(int digits) => Gen.Char["0123456789abcdef"].Array[digits].Select(chars => new string(chars));

    private static P.Profile Build(
        ProfileValueType[] types,
        P.Function[] functions,
        (int Size, int Offset, string File, string BuildId, bool[] Flags)[] mappingSpecs,
        (int Mapping, int Offset, bool Folded, (int Function, long Line, long Column)[] Lines)[] locationSpecs,
        (int[] Stack, long[] Values, P.Label[] Labels)[] sampleSpecs,
        (long Time, long Duration, long Period, int PeriodType, int DefaultType) header,
        (string[] Comments, string Drop, string Keep, string DocUrl) texts)
    {
        // Mappings are 256 MiB apart, so listing them in creation order lists them by address.
        var mappings = mappingSpecs.Select((spec, index) =>
        {
            var start = (ulong)(index + 1) << 28;
            return new P.Mapping
            {
                MemoryStart = start,
                MemoryLimit = start + (ulong)spec.Size,
                FileOffset = (ulong)spec.Offset,
                FileName = spec.File,
                BuildId = spec.BuildId,
                HasFunctions = spec.Flags[0],
                HasFilenames = spec.Flags[1],
                HasLineNumbers = spec.Flags[2],
                HasInlineFrames = spec.Flags[3],
            };
        }).ToArray();

        var locations = locationSpecs.Select(spec =>
        {
            var mapping = spec.Mapping >= 0 && spec.Mapping < mappings.Length ? mappings[spec.Mapping] : null;
            var location = new P.Location
            {
                Mapping = mapping,
                Address = mapping is null ? (ulong)spec.Offset : mapping.MemoryStart + ((ulong)spec.Offset % (mapping.MemoryLimit - mapping.MemoryStart)),
                IsFolded = spec.Folded,
            };
            location.Lines.AddRange(spec.Lines.Select(line => new P.Line
            {
                Function = line.Function >= 0 && line.Function < functions.Length ? functions[line.Function] : null,
                Number = line.Line,
                Column = line.Column,
            }));
            return location;
        }).ToArray();

        var profile = new P.Profile
        {
            TimeNanos = header.Time,
            DurationNanos = header.Duration,
            Period = header.Period,
            PeriodType = header.PeriodType < 0 ? null : SampleTypes[header.PeriodType],
            DefaultSampleType = DefaultTypes[header.DefaultType],
            DropFrames = texts.Drop,
            KeepFrames = texts.Keep,
            DocUrl = texts.DocUrl,
        };
        profile.SampleTypes.AddRange(types);
        profile.Comments.AddRange(texts.Comments);
        foreach (var spec in sampleSpecs)
        {
            var sample = new P.Sample();
            sample.Locations.AddRange(spec.Stack.Select(index => locations[index % locations.Length]));
            sample.Values.AddRange(spec.Values);
            sample.Labels.AddRange(spec.Labels);
            profile.Samples.Add(sample);
        }

        var reachable = profile.Samples.SelectMany(s => s.Locations).Distinct().ToList();
        profile.Locations.AddRange(reachable);
        profile.Mappings.AddRange(mappings.Where(m => reachable.Exists(l => l.Mapping == m)));
        profile.Functions.AddRange(reachable.SelectMany(l => l.Lines).Select(l => l.Function).OfType<P.Function>().Distinct());
        return profile;
    }
}
