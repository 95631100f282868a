using Ember.Profiles;
using Pprof = Ember.Profiles.Pprof;

namespace Ember.PowerShell.Tests.Profiles;

/// <summary>Small hand-built CPU profiles whose costs the tests know exactly.</summary>
public static class TestProfiles
{
    public const long PeriodNanos = 10_000_000;

    /// <summary>
    /// A Go-style CPU profile (samples/count, cpu/nanoseconds, period 10 ms) over <paramref name="seconds"/>
    /// of wall time; each stack is root-first and gets <c>count</c> samples.
    /// </summary>
    public static Pprof.Profile Cpu(double seconds, long startUnixSeconds, params (string Stack, long Count)[] stacks)
    {
        var profile = new Pprof.Profile
        {
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = PeriodNanos,
            TimeNanos = startUnixSeconds * 1_000_000_000,
            DurationNanos = (long)(seconds * 1e9),
        };
        profile.SampleTypes.Add(new ProfileValueType("samples", "count"));
        profile.SampleTypes.Add(new ProfileValueType("cpu", "nanoseconds"));
        var functions = new Dictionary<string, Pprof.Location>(StringComparer.Ordinal);
        ulong address = 0x1000;
        foreach (var (stack, count) in stacks)
        {
            var sample = new Pprof.Sample();
            foreach (var name in stack.Split(';').Reverse())
            {
                if (!functions.TryGetValue(name, out var location))
                {
                    var function = new Pprof.Function { Name = name };
                    location = new Pprof.Location { Address = address += 0x10 };
                    location.Lines.Add(new Pprof.Line { Function = function });
                    functions[name] = location;
                }

                sample.Locations.Add(location);
            }

            sample.Values.Add(count);
            sample.Values.Add(count * PeriodNanos);
            profile.Samples.Add(sample);
        }

        return profile;
    }

    /// <summary>Writes the profile as gzip pprof into a new temporary file.</summary>
    public static string WriteTemp(Pprof.Profile profile, string name = "cpu.pb.gz")
    {
        var directory = Directory.CreateTempSubdirectory("ember-pwsh-").FullName;
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, Pprof.PprofCodec.EncodeGzip(profile));
        return path;
    }
}
