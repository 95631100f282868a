namespace Ember.Profiles.Pprof;

/// <summary>A call stack (leaf first) with one value per sample type and optional labels.</summary>
public sealed class Sample
{
    /// <summary>The stack, leaf at index 0.</summary>
    public List<Location> Locations { get; } = [];

    /// <summary>One value per <see cref="Profile.SampleTypes"/> entry.</summary>
    public List<long> Values { get; } = [];

    /// <summary>String and numeric labels.</summary>
    public List<Label> Labels { get; } = [];
}
