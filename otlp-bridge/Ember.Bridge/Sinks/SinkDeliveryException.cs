namespace Ember.Bridge.Sinks;

/// <summary>A sink could not deliver a batch; says whether trying again can help and when.</summary>
public sealed class SinkDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, for logs (never containing secrets).</param>
    /// <param name="reason">Short metric label such as <c>unavailable</c>, <c>http_503</c> or <c>invalid_argument</c>.</param>
    /// <param name="isRetryable">True when the same batch may succeed later (outage, throttling).</param>
    /// <param name="retryAfter">The server's hint (Retry-After, gRPC retry info) when it gave one.</param>
    /// <param name="innerException">The transport error, kept for diagnosis.</param>
    public SinkDeliveryException(string message, string reason, bool isRetryable, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        IsRetryable = isRetryable;
        RetryAfter = retryAfter;
    }

    /// <summary>Short, low-cardinality reason used as a metric attribute.</summary>
    public string Reason { get; }

    /// <summary>True when the batch should stay spooled and be tried again.</summary>
    public bool IsRetryable { get; }

    /// <summary>Delay the server asked for, if any.</summary>
    public TimeSpan? RetryAfter { get; }
}
