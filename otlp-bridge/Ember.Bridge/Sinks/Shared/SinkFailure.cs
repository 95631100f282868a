using Ember.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>Turns the shared transport's classification into what the delivery loop and the spool act on.</summary>
internal static class SinkFailure
{
    /// <summary>Returns for an accepted attempt; throws the classified failure otherwise.</summary>
    /// <param name="result">The attempt's result.</param>
    /// <param name="what">"sink NAME: METHOD TARGET", for the message.</param>
    /// <exception cref="SinkDeliveryException">The attempt failed; retryable or not as the transport classified it.</exception>
    public static void ThrowUnlessAccepted(ExportResult result, string what)
    {
        if (result.Outcome != ExportOutcome.Accepted)
        {
            throw new SinkDeliveryException($"{what}: {result.Detail}", result.Reason, result.Outcome == ExportOutcome.Retryable, result.RetryAfter, result.Error);
        }
    }

    /// <summary>
    /// An accepted OTLP export: partial_success is counted (not retried), and an unreadable answer is
    /// logged and left alone, since the server took the batch and resending would duplicate it.
    /// </summary>
    public static void RecordAccepted(ILogger logger, string sink, ExportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.ResponseUnreadable)
        {
            SinkLog.UnreadableResponse(logger, sink, result.Detail);
            return;
        }

        SinkMetrics.RecordPartialSuccess(logger, sink, result.PartialSuccess.RejectedProfiles, result.PartialSuccess.ErrorMessage);
    }
}
