using Ember.Agent.Export;
using Ember.Agent.Session;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Output;

/// <summary>
/// The run command's output: queues each window with samples for the exporter task (so a slow
/// endpoint never stalls the session) and logs the export totals after every window. The exporter
/// task runs from <see cref="Start"/> until <see cref="Flush"/>.
/// </summary>
internal sealed class ExportQueueOutput : IWindowOutput, IDisposable
{
    private readonly ExportQueue _queue;
    private readonly ExportStatistics _statistics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _exporting;

    private ExportQueueOutput(ExportQueue queue, ExportStatistics statistics, ILogger logger)
    {
        _queue = queue;
        _statistics = statistics;
        _logger = logger;
        _exporting = Task.Run(() => _queue.RunAsync(_abandon.Token), CancellationToken.None);
    }

    /// <summary>Starts the exporter task in front of <paramref name="sender"/>, holding at most <paramref name="capacity"/> windows.</summary>
    public static ExportQueueOutput Start(IExportSink sender, int capacity, ExportStatistics statistics, ILogger logger) =>
        new(new ExportQueue(capacity, sender, statistics, logger), statistics, logger);

    /// <inheritdoc />
    public void Write(ProfileWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (window.Samples > 0)
        {
            _queue.Enqueue(new ExportBatch(window.Data, window.Samples));
        }

        ExportLog.WindowSummary(_logger, window.Samples, _statistics.SamplesExported, _statistics.Requests, _statistics.Retries, _statistics.Failures,
            _statistics.QueueDrops, _statistics.RejectedProfiles, (long)_statistics.LastExportLatency.TotalMilliseconds);
    }

    /// <summary>No more windows: waits until the queued ones are exported, or gives them up after <paramref name="timeout"/>.</summary>
    public void Flush(TimeSpan timeout)
    {
        _queue.Complete();
        _abandon.CancelAfter(timeout);
        _exporting.GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Dispose() => _abandon.Dispose();
}
