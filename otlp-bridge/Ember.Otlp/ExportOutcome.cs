namespace Ember.Otlp;

/// <summary>What one export attempt came to, following the OTLP specification's failure rules.</summary>
public enum ExportOutcome
{
    /// <summary>The server took the request (possibly rejecting some profiles, see <see cref="ExportResult.PartialSuccess"/>).</summary>
    Accepted,

    /// <summary>A transient failure (UNAVAILABLE, 503, a refused connection, a timeout): the same request may succeed later.</summary>
    Retryable,

    /// <summary>The server refused the request for good (INVALID_ARGUMENT, 400, ...): resending cannot help.</summary>
    Permanent,
}
