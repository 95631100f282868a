using System.Diagnostics;
using Ember.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Export;

/// <summary>
/// Exports one window through an <see cref="IOtlpExporter"/>, retrying retryable failures up to
/// <see cref="MaxAttempts"/> requests with the shared <see cref="ExportBackoff"/>; a window is then
/// dropped and counted, so a long outage never blocks the windows behind it for more than a minute or two.
/// </summary>
public sealed class ExportSender : IExportSink
{
    /// <summary>Requests per window, the first included.</summary>
    public const int MaxAttempts = 5;

    private readonly IOtlpExporter _exporter;
    private readonly ExportStatistics _statistics;
    private readonly ILogger _logger;
    private readonly ExportBackoff _backoff;

    /// <summary>Creates the sender.</summary>
    /// <param name="exporter">The transport.</param>
    /// <param name="statistics">Where requests, retries and failures are counted.</param>
    /// <param name="logger">The export log.</param>
    /// <param name="backoff">The waits between attempts; 1 s doubling up to 30 s on the system clock when null.</param>
    public ExportSender(IOtlpExporter exporter, ExportStatistics statistics, ILogger logger, ExportBackoff? backoff = null)
    {
        _exporter = exporter;
        _statistics = statistics;
        _logger = logger;
        _backoff = backoff ?? new ExportBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeProvider.System);
    }

    /// <inheritdoc/>
    public async Task ExportAsync(ExportBatch batch, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            _statistics.RequestSent(isRetry: attempt > 1);
            var result = await _exporter.ExportAsync(batch.Data, cancellation).ConfigureAwait(false);
            switch (result.Outcome)
            {
                case ExportOutcome.Accepted:
                    _statistics.Exported(batch, result.PartialSuccess.RejectedProfiles, Stopwatch.GetElapsedTime(started));
                    if (result.ResponseUnreadable)
                    {
                        _statistics.UnreadableResponse();
                        ExportLog.UnreadableResponse(_logger, result.Detail);
                    }
                    else if (result.PartialSuccess.IsReported)
                    {
                        ExportLog.PartiallyRejected(_logger, result.PartialSuccess.RejectedProfiles, result.PartialSuccess.ErrorMessage);
                    }

                    return;
                case ExportOutcome.Retryable when attempt < MaxAttempts:
                    var delay = _backoff.Delay(attempt, result.RetryAfter);
                    ExportLog.Retrying(_logger, attempt, result.Detail, delay);
                    await _backoff.WaitAsync(delay, cancellation).ConfigureAwait(false);
                    break;
                default:
                    _statistics.Failed(result.Reason);
                    ExportLog.ExportFailed(_logger, batch.Samples, result.Detail);
                    return;
            }
        }
    }
}
