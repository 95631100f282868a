using Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Generators;

/// <summary>
/// Builds pprof models from a seed, with edge values (unicode, extreme integers, empty names,
/// shared and unlisted objects) so property tests cover what hand-written cases miss.
/// </summary>
internal static class RandomProfiles
{
    private static readonly string[] Words = ["main", "runtime.mallocgc", "std::map<int, std::string>::find", "λ", "🔥hot", "a;b", "x\ny", "<script>", ""];

    public static Profile Pprof(int seed, int maxSamples = 40)
    {
        var random = new Random(seed);
        var profile = new Profile();
        var typeCount = random.Next(1, 4);
        for (var i = 0; i < typeCount; i++)
        {
            profile.SampleTypes.Add(new ProfileValueType(Text(random) + i, Text(random)));
        }

        var functions = Enumerable.Range(0, random.Next(1, 12)).Select(i => new Function
        {
            Name = Text(random) + i,
            SystemName = random.Next(3) == 0 ? "_Z" + Text(random) : string.Empty,
            FileName = random.Next(2) == 0 ? $"/src/{Text(random)}.go" : string.Empty,
            StartLine = random.Next(-1, 5000),
        }).ToList();
        var mappings = Enumerable.Range(0, random.Next(0, 4)).Select(i => new Mapping
        {
            MemoryStart = (ulong)random.NextInt64() & 0xFFFF_FFFF_F000,
            MemoryLimit = ulong.MaxValue - (ulong)i,
            FileOffset = (ulong)random.Next(),
            FileName = "/usr/lib/" + Text(random),
            BuildId = random.Next(2) == 0 ? Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) : string.Empty,
            HasFunctions = random.Next(2) == 0,
            HasFilenames = random.Next(2) == 0,
            HasLineNumbers = random.Next(2) == 0,
            HasInlineFrames = random.Next(2) == 0,
        }).ToList();
        var locations = Enumerable.Range(0, random.Next(1, 20)).Select(_ =>
        {
            var location = new Location
            {
                Address = (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                Mapping = mappings.Count > 0 && random.Next(4) != 0 ? mappings[random.Next(mappings.Count)] : null,
                IsFolded = random.Next(8) == 0,
            };
            for (var l = random.Next(0, 3); l > 0; l--)
            {
                location.Lines.Add(new Line
                {
                    Function = random.Next(10) == 0 ? null : functions[random.Next(functions.Count)],
                    Number = random.Next(0, 10_000),
                    Column = random.Next(0, 3) == 0 ? random.Next(1, 80) : 0,
                });
            }

            return location;
        }).ToList();

        // Some objects are listed in the profile's tables, others only reachable from samples.
        profile.Functions.AddRange(functions.Where(_ => random.Next(3) != 0));
        profile.Mappings.AddRange(mappings.Where(_ => random.Next(3) != 0));
        profile.Locations.AddRange(locations.Where(_ => random.Next(3) != 0));

        for (var s = random.Next(0, maxSamples); s > 0; s--)
        {
            var sample = new Sample();
            for (var d = random.Next(0, 12); d > 0; d--)
            {
                sample.Locations.Add(locations[random.Next(locations.Count)]);
            }

            for (var v = 0; v < typeCount; v++)
            {
                sample.Values.Add(random.Next(5) switch
                {
                    0 => long.MinValue,
                    1 => long.MaxValue,
                    _ => random.NextInt64(-1000, 1_000_000_000),
                });
            }

            for (var l = random.Next(0, 3); l > 0; l--)
            {
                // pprof cannot represent a string label whose value is "" (it reads back as numeric 0).
                sample.Labels.Add(random.Next(2) == 0
                    ? Label.String("k" + Text(random), "v" + Text(random))
                    : Label.Number("n" + Text(random), random.NextInt64(), random.Next(2) == 0 ? "bytes" : string.Empty));
            }

            profile.Samples.Add(sample);
        }

        profile.TimeNanos = random.NextInt64();
        profile.DurationNanos = random.NextInt64(0, long.MaxValue);
        if (random.Next(2) == 0)
        {
            profile.PeriodType = new ProfileValueType("cpu", "nanoseconds");
            profile.Period = random.NextInt64(1, 100_000_000);
        }

        profile.DropFrames = random.Next(4) == 0 ? "runtime\\..*" : string.Empty;
        profile.KeepFrames = random.Next(4) == 0 ? Text(random) : string.Empty;
        profile.DefaultSampleType = random.Next(2) == 0 ? profile.SampleTypes[0].Type : string.Empty;
        profile.DocUrl = random.Next(4) == 0 ? "https://example.com/" + Text(random) : string.Empty;
        for (var c = random.Next(0, 3); c > 0; c--)
        {
            profile.Comments.Add(Text(random));
        }

        return profile;
    }

    private static string Text(Random random) => Words[random.Next(Words.Length)];
}
