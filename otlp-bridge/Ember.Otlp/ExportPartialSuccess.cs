namespace Ember.Otlp;

/// <summary>
/// <c>ExportProfilesServiceResponse.partial_success</c>: profiles of an accepted request the server
/// still rejected, and why. Resending would be rejected again, so callers count it and move on.
/// </summary>
/// <param name="RejectedProfiles"><c>rejected_profiles</c> (field 1).</param>
/// <param name="ErrorMessage"><c>error_message</c> (field 2).</param>
public sealed record ExportPartialSuccess(long RejectedProfiles, string ErrorMessage)
{
    /// <summary>A fully accepted request.</summary>
    public static ExportPartialSuccess None { get; } = new(0, "");

    /// <summary>True when the server reported anything (a count or a message).</summary>
    public bool IsReported => RejectedProfiles != 0 || ErrorMessage.Length > 0;
}
