namespace Ember.Profiles;

/// <summary>The type and unit of a sample value or of the period, e.g. ("cpu", "nanoseconds").</summary>
public sealed record ProfileValueType(string Type, string Unit)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Unit}";
}
