using Ember.Profiles;
using Ember.Profiles.Pprof;

namespace Ember.Benchmarks;

/// <summary>
/// A deterministic, realistically shaped CPU profile: a few binaries, thousands of functions with
/// Zipf-like popularity, call stacks 8-40 frames deep sharing common prefixes, thread and span
/// labels on part of the samples, and two sample types as eBPF agents and Go both produce.
/// </summary>
internal static class SyntheticProfile
{
    public static Profile Create(int samples = 60_000, int functions = 6_000, int seed = 42)
    {
        var random = new Random(seed);
        var profile = new Profile
        {
            TimeNanos = 1_764_000_000_000_000_000,
            DurationNanos = 60_000_000_000,
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
        };
        profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
        profile.SampleTypes.Add(new ProfileValueType("cpu", "nanoseconds"));

        var mappings = new List<Mapping>();
        for (var m = 0; m < 12; m++)
        {
            mappings.Add(new Mapping
            {
                MemoryStart = 0x400000UL + ((ulong)m << 28),
                MemoryLimit = 0x400000UL + ((ulong)m << 28) + 0x0FFF_FFFF,
                FileName = m == 0 ? "/usr/local/bin/checkout-service" : $"/usr/lib/x86_64-linux-gnu/lib{m}.so.1",
                BuildId = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())),
                HasFunctions = true,
                HasFilenames = true,
                HasLineNumbers = true,
            });
        }

        profile.Mappings.AddRange(mappings);
        var packages = new[] { "net/http", "encoding/json", "github.com/acme/checkout/cart", "runtime", "database/sql", "google.golang.org/grpc", "crypto/tls", "sync" };
        var locations = new List<Location>(functions * 2);
        for (var f = 0; f < functions; f++)
        {
            var package = packages[f % packages.Length];
            var function = new Function
            {
                Name = $"{package}.(*handler{f / 40}).process{f}",
                SystemName = $"{package}.(*handler{f / 40}).process{f}",
                FileName = $"/src/{package}/file{f / 25}.go",
                StartLine = 10 + (f % 500),
            };
            profile.Functions.Add(function);
            var mapping = mappings[f % mappings.Count];
            for (var l = 0; l < 2; l++)
            {
                var location = new Location
                {
                    Mapping = mapping,
                    Address = mapping.MemoryStart + (ulong)(f * 64) + (ulong)(l * 16),
                };
                location.Lines.Add(new Line { Function = function, Number = function.StartLine + 3 + l });
                locations.Add(location);
            }
        }

        profile.Locations.AddRange(locations);

        // A pool of call paths; samples pick paths with a skewed distribution and extend them.
        var roots = Enumerable.Range(0, 64).Select(_ => Path(random, locations, random.Next(6, 20))).ToList();
        var threads = new[] { "worker-1", "worker-2", "worker-3", "gc", "netpoll" };
        for (var s = 0; s < samples; s++)
        {
            var sample = new Sample();
            var leaf = Path(random, locations, random.Next(2, 20), skew: true);
            sample.Locations.AddRange(leaf);
            sample.Locations.AddRange(roots[(int)(Math.Pow(random.NextDouble(), 2) * roots.Count)]);
            var count = 1 + (random.Next(10) == 0 ? random.Next(1, 20) : 0);
            sample.Values.Add(count);
            sample.Values.Add(count * profile.Period);
            sample.Labels.Add(Label.String("thread", threads[random.Next(threads.Length)]));
            if (random.Next(4) == 0)
            {
                sample.Labels.Add(Label.String("span_id", Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()))));
            }

            profile.Samples.Add(sample);
        }

        return profile;
    }

    private static List<Location> Path(Random random, List<Location> locations, int depth, bool skew = false)
    {
        var path = new List<Location>(depth);
        for (var d = 0; d < depth; d++)
        {
            var index = skew ? (int)(Math.Pow(random.NextDouble(), 3) * locations.Count) : random.Next(locations.Count);
            path.Add(locations[index]);
        }

        return path;
    }
}
