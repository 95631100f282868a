namespace Ember.Profiles.Pprof;

/// <summary>
/// A sample label: a string label when <see cref="Str"/> is set, otherwise a numeric one with an
/// optional unit (e.g. "bytes").
/// </summary>
public sealed record Label(string Key, string? Str, long Num = 0, string NumUnit = "")
{
    /// <summary>True for a numeric label.</summary>
    public bool IsNumeric => Str is null;

    /// <summary>A string label.</summary>
    public static Label String(string key, string value) => new(key, value);

    /// <summary>A numeric label with an optional unit.</summary>
    public static Label Number(string key, long value, string unit = "") => new(key, null, value, unit);
}
