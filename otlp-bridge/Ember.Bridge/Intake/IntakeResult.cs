namespace Ember.Bridge.Intake;

/// <summary>What happened to one request's profiles.</summary>
/// <param name="Accepted">Profiles spooled for every sink.</param>
/// <param name="Rejected">Profiles refused by validation (OTLP partial_success.rejected_profiles).</param>
/// <param name="Message">Why they were refused (partial_success.error_message); empty when none were.</param>
public sealed record IntakeResult(int Accepted, int Rejected, string Message);
