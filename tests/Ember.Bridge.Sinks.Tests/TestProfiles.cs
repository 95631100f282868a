using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Sinks.Tests;

/// <summary>OTLP batches built by hand, the way ember-agent shapes them (samples/count every cpu period).</summary>
public static class TestProfiles
{
    /// <summary>10 ms between samples (100 Hz).</summary>
    public const long PeriodNanos = 10_000_000;

    /// <summary>2026-11-25T00:00:00Z.</summary>
    public const ulong StartNanos = 1_795_564_800_000_000_000;

    /// <summary>10 s window.</summary>
    public const ulong DurationNanos = 10_000_000_000;

    /// <summary>
    /// One resource with the given attributes and one CPU profile of two stacks:
    /// main→hot (<paramref name="hotCount"/> samples) and main→cold (<paramref name="coldCount"/>).
    /// </summary>
    public static ProfilesData Cpu(IEnumerable<KeyValuePair<string, AnyValue>> resourceAttributes, int hotCount = 30, int coldCount = 5)
    {
        var data = new ProfilesData();
        data.ResourceProfiles.Add(CpuResource(resourceAttributes, hotCount, coldCount));
        return data;
    }

    /// <summary>The resource of <see cref="Cpu"/>.</summary>
    public static ResourceProfiles CpuResource(IEnumerable<KeyValuePair<string, AnyValue>> resourceAttributes, int hotCount, int coldCount)
    {
        var mapping = new Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, FileName = "/usr/bin/app" };
        var main = Frame(mapping, 0x401000, "main");
        var profile = new Profile
        {
            SampleType = new ProfileValueType("samples", "count"),
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = PeriodNanos,
            TimeUnixNano = StartNanos,
            DurationNano = DurationNanos,
        };
        profile.Samples.Add(Sample(hotCount, Frame(mapping, 0x401100, "hot"), main));
        profile.Samples.Add(Sample(coldCount, Frame(mapping, 0x401200, "cold"), main));
        var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember-agent", Version = "test" } };
        scope.Profiles.Add(profile);
        var resource = new ResourceProfiles();
        resource.Resource.Attributes.AddRange(resourceAttributes.Select(a => new KeyValue(a.Key, a.Value)));
        resource.ScopeProfiles.Add(scope);
        return resource;
    }

    /// <summary>A string attribute pair.</summary>
    public static KeyValuePair<string, AnyValue> Attr(string key, string value) => new(key, AnyValue.String(value));

    /// <summary>An integer attribute pair.</summary>
    public static KeyValuePair<string, AnyValue> Attr(string key, long value) => new(key, AnyValue.Int(value));

    private static Sample Sample(int count, params Location[] stack)
    {
        var sample = new Sample();
        sample.Stack.Locations.AddRange(stack);
        sample.Values.Add(count);
        return sample;
    }

    private static Location Frame(Mapping mapping, ulong address, string function)
    {
        var location = new Location { Mapping = mapping, Address = address };
        location.Lines.Add(new Line { Function = new Function { Name = function, FileName = "app.c" }, Number = 10 });
        return location;
    }
}
