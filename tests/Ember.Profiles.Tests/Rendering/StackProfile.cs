using Ember.Profiles.Pprof;

namespace Ember.Profiles.Tests.Rendering;

/// <summary>
/// Builds small pprof profiles from stacks written root first ("main.main;main.hotLoop"), one
/// function and one single-line location per distinct name.
/// </summary>
internal sealed class StackProfile
{
    private readonly Dictionary<string, Location> _locations = new(StringComparer.Ordinal);

    public StackProfile(params ProfileValueType[] sampleTypes)
    {
        Profile.SampleTypes.AddRange(sampleTypes.Length > 0 ? sampleTypes : [new ProfileValueType("samples", "count")]);
    }

    public Profile Profile { get; } = new();

    /// <summary>Adds a sample; <paramref name="stack"/> is root first, frames separated by ';'.</summary>
    public StackProfile Add(string stack, params long[] values)
    {
        var sample = new Sample();
        sample.Values.AddRange(values);
        foreach (var name in stack.Split(';').Reverse())
        {
            sample.Locations.Add(LocationOf(name));
        }

        Profile.Samples.Add(sample);
        return this;
    }

    private Location LocationOf(string name)
    {
        if (!_locations.TryGetValue(name, out var location))
        {
            var function = new Function { Name = name, FileName = "main.go" };
            location = new Location { Address = 0x1000 + (ulong)_locations.Count };
            location.Lines.Add(new Line { Function = function, Number = 10 + _locations.Count });
            Profile.Functions.Add(function);
            Profile.Locations.Add(location);
            _locations.Add(name, location);
        }

        return location;
    }
}
