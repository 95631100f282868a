using Ember.Profiles;
using Ember.Profiles.Otlp;

namespace Ember.Otlp.Tests;

/// <summary>A small export request with a named hot function, as a collect window would hold.</summary>
internal static class TestWindows
{
    public static ProfilesData HotLoop()
    {
        var location = new Location { Address = 0x401000 };
        location.Lines.Add(new Line { Function = new Function { Name = "main.hotLoop", FileName = "main.go" } });
        var sample = new Sample();
        sample.Stack.Locations.Add(location);
        sample.Values.Add(42);
        var profile = new Profile { SampleType = new ProfileValueType("samples", "count"), PeriodType = new ProfileValueType("cpu", "nanoseconds"), Period = 52_631_578 };
        profile.Samples.Add(sample);
        var scope = new ScopeProfiles { Scope = new InstrumentationScope { Name = "ember-test" } };
        scope.Profiles.Add(profile);
        var resource = new ResourceProfiles { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue("process.pid", AnyValue.Int(1234)));
        resource.ScopeProfiles.Add(scope);
        var data = new ProfilesData();
        data.ResourceProfiles.Add(resource);
        return data;
    }
}
