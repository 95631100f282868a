namespace Ember.Profiles.Validation;

/// <summary>One rule a profile breaks.</summary>
/// <param name="Path">Where, e.g. <c>resourceProfiles[0].scopeProfiles[1].profiles[2].samples[7].values</c>.</param>
/// <param name="Message">What is wrong, in a sentence fragment.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <summary>"path: message".</summary>
    public override string ToString() => $"{Path}: {Message}";
}
