using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Tests.Hosting;

/// <summary>Small, valid OTLP requests built with Ember's model (encoded, they are what a client sends).</summary>
public static class TestProfiles
{
    /// <summary>One resource (service.name = <paramref name="service"/>) with one CPU profile of three samples: main→work→hot (5), main→work (2), main→cold (1).</summary>
    public static ProfilesData Cpu(string service = "checkout", int profiles = 1)
    {
        var mapping = new Mapping { MemoryStart = 0x400000, MemoryLimit = 0x500000, FileName = "/usr/bin/checkout" };
        Location Frame(string name, ulong address)
        {
            var location = new Location { Mapping = mapping, Address = address };
            location.Lines.Add(new Line { Function = new Function { Name = name, FileName = "checkout.go" }, Number = 10 });
            return location;
        }

        var main = Frame("main.main", 0x401000);
        var work = Frame("main.work", 0x402000);
        var hot = Frame("main.hot", 0x403000);
        var cold = Frame("main.cold", 0x404000);
        var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "test" } };
        for (var p = 0; p < profiles; p++)
        {
            var profile = new Profile
            {
                SampleType = new ProfileValueType("samples", "count"),
                PeriodType = new ProfileValueType("cpu", "nanoseconds"),
                Period = 10_000_000,
                TimeUnixNano = 1_700_000_000_000_000_000UL + ((ulong)p * 1_000_000_000UL),
                DurationNano = 1_000_000_000,
            };
            profile.Samples.Add(Sample(5, hot, work, main));
            profile.Samples.Add(Sample(2, work, main));
            profile.Samples.Add(Sample(1, cold, main));
            scope.Profiles.Add(profile);
        }

        var resource = new ResourceProfiles();
        resource.Resource.Attributes.Add(new KeyValue("service.name", AnyValue.String(service)));
        resource.ScopeProfiles.Add(scope);
        var data = new ProfilesData();
        data.ResourceProfiles.Add(resource);
        return data;
    }

    /// <summary>A profile that breaks a MUST rule: one sample with neither values nor timestamps.</summary>
    public static Profile Invalid()
    {
        var profile = new Profile { SampleType = new ProfileValueType("samples", "count") };
        var location = new Location { Address = 0x1000 };
        location.Lines.Add(new Line { Function = new Function { Name = "broken" } });
        var sample = new Sample();
        sample.Stack.Locations.Add(location);
        profile.Samples.Add(sample);
        return profile;
    }

    /// <summary>The service.name of every resource in a batch.</summary>
    public static IEnumerable<string> Services(ProfilesData data) =>
        data.ResourceProfiles.Select(r => r.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue!);

    /// <summary>Sum of all sample values in a batch.</summary>
    public static long TotalValue(ProfilesData data) =>
        data.ResourceProfiles.SelectMany(r => r.ScopeProfiles).SelectMany(s => s.Profiles).SelectMany(p => p.Samples).Sum(s => s.Values.Sum());

    private static Sample Sample(long value, params Location[] leafFirst)
    {
        var sample = new Sample();
        sample.Stack.Locations.AddRange(leafFirst);
        sample.Values.Add(value);
        return sample;
    }
}
