namespace Ember.Agent.Export;

/// <summary>What one export request came back with.</summary>
public enum ExportAttemptOutcome
{
    /// <summary>The server took the request (possibly rejecting some profiles).</summary>
    Accepted,

    /// <summary>A transient failure (UNAVAILABLE, 503, ...): the same request may succeed later.</summary>
    Retryable,

    /// <summary>The server refused the request for good (INVALID_ARGUMENT, 400, ...).</summary>
    Failed,
}

/// <summary>The result of one export request, as the transport understood it.</summary>
/// <param name="Outcome">Accepted, retryable or failed.</param>
/// <param name="Reason">Why it was not accepted (e.g. <c>UNAVAILABLE</c>, <c>HTTP 503</c>), or the server's partial-success message.</param>
/// <param name="RejectedProfiles">partial_success.rejected_profiles of an accepted request.</param>
/// <param name="RetryAfter">The server's back-off hint (Retry-After, grpc-retry-pushback-ms), if any.</param>
public readonly record struct ExportAttemptResult(ExportAttemptOutcome Outcome, string Reason, long RejectedProfiles = 0, TimeSpan? RetryAfter = null)
{
    /// <summary>An accepted request with the server's partial-success report.</summary>
    public static ExportAttemptResult Accepted(ExportResponse response) =>
        new(ExportAttemptOutcome.Accepted, response.ErrorMessage, response.RejectedProfiles);

    /// <summary>A transient failure, with the server's back-off hint when it gave one.</summary>
    public static ExportAttemptResult Retryable(string reason, TimeSpan? retryAfter = null) =>
        new(ExportAttemptOutcome.Retryable, reason, 0, retryAfter);

    /// <summary>A permanent failure.</summary>
    public static ExportAttemptResult Failed(string reason) => new(ExportAttemptOutcome.Failed, reason);
}
