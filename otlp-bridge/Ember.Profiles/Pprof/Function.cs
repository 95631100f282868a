namespace Ember.Profiles.Pprof;

/// <summary>A function: display name, system (e.g. mangled) name, source file and start line.</summary>
public sealed class Function
{
    /// <summary>Human-readable name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Name as the system knows it, e.g. the mangled C++ name.</summary>
    public string SystemName { get; set; } = string.Empty;

    /// <summary>Source file path.</summary>
    public string FileName { get; set; } = string.Empty;

    /// <summary>Line where the function starts, 0 when unknown.</summary>
    public long StartLine { get; set; }
}
