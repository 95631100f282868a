using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Export;

/// <summary>
/// The bounded hand-off between the collector loop and the exporter task, so a slow or absent
/// collector endpoint never stalls draining the BPF maps. When full it drops the OLDEST window:
/// the newest windows describe what the node is doing now, and a backlog that old is unlikely to
/// be exported before newer ones pile up behind it anyway. Drops are counted.
/// </summary>
public sealed class ExportQueue
{
    private readonly Channel<ExportBatch> _channel;
    private readonly IExportSink _sink;
    private readonly ILogger _logger;

    /// <summary>Creates a queue of <paramref name="capacity"/> windows in front of <paramref name="sink"/>.</summary>
    public ExportQueue(int capacity, IExportSink sink, ExportStatistics statistics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        _sink = sink;
        _logger = logger;
        _channel = Channel.CreateBounded<ExportBatch>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                statistics.QueueDropped();
                ExportLog.QueueDropped(logger, dropped.Samples);
            });
    }

    /// <summary>Queues a window without waiting; returns false only after <see cref="Complete"/>.</summary>
    public bool Enqueue(ExportBatch batch) => _channel.Writer.TryWrite(batch);

    /// <summary>No more windows will come; <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// Exports windows in order until <see cref="Complete"/> and the queue is empty, or until
    /// <paramref name="abandon"/> (a shutdown that can wait no longer) — then what is left is logged and lost.
    /// </summary>
    public async Task RunAsync(CancellationToken abandon)
    {
        try
        {
            await foreach (var batch in _channel.Reader.ReadAllAsync(abandon).ConfigureAwait(false))
            {
                await _sink.ExportAsync(batch, abandon).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            ExportLog.FlushAbandoned(_logger, _channel.Reader.Count);
        }
    }
}
