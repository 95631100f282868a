using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Export;

/// <summary>Exports one window through an <see cref="IProfileExporter"/>, retrying transient failures.</summary>
public sealed class ExportSender(IProfileExporter exporter, ExportRetryPolicy policy, ExportStatistics statistics, ILogger logger) : IExportSink
{
    /// <inheritdoc/>
    public async Task ExportAsync(ExportBatch batch, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            statistics.RequestSent(isRetry: attempt > 1);
            var result = await exporter.SendAsync(batch.Data, cancellation).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case ExportAttemptOutcome.Accepted:
                    statistics.Exported(batch, result.RejectedProfiles, Stopwatch.GetElapsedTime(started));
                    if (result.RejectedProfiles > 0 || result.Reason.Length > 0)
                    {
                        ExportLog.PartiallyRejected(logger, result.RejectedProfiles, result.Reason);
                    }

                    return;
                case ExportAttemptOutcome.Retryable when attempt < policy.MaxAttempts:
                    var delay = policy.Delay(attempt, result.RetryAfter);
                    ExportLog.Retrying(logger, attempt, result.Reason, delay);
                    await Task.Delay(delay, cancellation).ConfigureAwait(false);
                    break;
                default:
                    statistics.Failed(result.Reason);
                    ExportLog.ExportFailed(logger, batch.Samples, result.Reason);
                    return;
            }
        }
    }
}
