namespace Ember.Otlp;

/// <summary>The result of one export attempt, classified once for every caller; transport errors are results, not exceptions.</summary>
public sealed record ExportResult
{
    private ExportResult(ExportOutcome outcome, string reason, string detail)
    {
        Outcome = outcome;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>Accepted, retryable or permanent.</summary>
    public ExportOutcome Outcome { get; }

    /// <summary>
    /// A short, low-cardinality label for metrics: the gRPC status in snake case (<c>unavailable</c>),
    /// <c>http_503</c>, <c>timeout</c>, <c>connection_refused</c>, <c>tls</c>, <c>connection</c>; empty when accepted.
    /// </summary>
    public string Reason { get; }

    /// <summary>What happened, for logs (<c>UNAVAILABLE: server message</c>, <c>HTTP 400: body</c>); never a header value.</summary>
    public string Detail { get; }

    /// <summary>The server's back-off hint (Retry-After, grpc-retry-pushback-ms, RetryInfo) of a retryable failure.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The server's partial_success of an accepted request.</summary>
    public ExportPartialSuccess PartialSuccess { get; private init; } = ExportPartialSuccess.None;

    /// <summary>
    /// True for a success status whose body could not be read. The server accepted the data, so this
    /// counts as accepted (resending would duplicate it); only the partial-success detail is lost.
    /// </summary>
    public bool ResponseUnreadable { get; private init; }

    /// <summary>The transport or decoding error behind a failure or an unreadable response, kept for diagnosis.</summary>
    public Exception? Error { get; private init; }

    /// <summary>An accepted request with the server's partial-success report.</summary>
    public static ExportResult Accepted(ExportPartialSuccess partialSuccess) =>
        new(ExportOutcome.Accepted, "", partialSuccess.ErrorMessage) { PartialSuccess = partialSuccess };

    /// <summary>An accepted request whose response body could not be decoded.</summary>
    public static ExportResult AcceptedUnreadable(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(ExportOutcome.Accepted, "", "unreadable export response: " + error.Message) { ResponseUnreadable = true, Error = error };
    }

    /// <summary>A transient failure, with the server's hint when it gave one.</summary>
    public static ExportResult Retryable(string reason, string detail, TimeSpan? retryAfter = null, Exception? error = null) =>
        new(ExportOutcome.Retryable, reason, detail) { RetryAfter = retryAfter, Error = error };

    /// <summary>A permanent failure.</summary>
    public static ExportResult Permanent(string reason, string detail, Exception? error = null) =>
        new(ExportOutcome.Permanent, reason, detail) { Error = error };
}
