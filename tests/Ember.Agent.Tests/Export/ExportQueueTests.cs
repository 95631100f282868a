using Ember.Agent.Export;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ember.Agent.Tests.Export;

public sealed class ExportQueueTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>A sink that blocks in ExportAsync until released, recording what it was given.</summary>
    private sealed class BlockedSink : IExportSink
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<long> Exported { get; } = [];

        public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async Task ExportAsync(ExportBatch batch, CancellationToken cancellation)
        {
            lock (Exported)
            {
                Exported.Add(batch.Samples);
            }

            FirstArrived.TrySetResult();
            await _release.Task.WaitAsync(cancellation);
        }
    }

    private static ExportBatch Window(long id) => new(new ProfilesData(), id);

    [Fact]
    public async Task A_blocked_exporter_makes_the_full_queue_drop_and_count_the_oldest_windows()
    {
        var sink = new BlockedSink();
        var statistics = new ExportStatistics();
        var queue = new ExportQueue(2, sink, statistics, NullLogger.Instance);
        var running = queue.RunAsync(CancellationToken.None);

        Assert.True(queue.Enqueue(Window(1)));
        await sink.FirstArrived.Task.WaitAsync(Generous);
        foreach (var id in new long[] { 2, 3, 4, 5 })
        {
            Assert.True(queue.Enqueue(Window(id)));
        }

        Assert.Equal(2, statistics.QueueDrops);
        sink.Release();
        queue.Complete();
        await running.WaitAsync(Generous);
        Assert.Equal([1, 4, 5], sink.Exported);
    }

    [Fact]
    public async Task Abandoning_the_flush_ends_the_exporter_task_with_windows_still_queued()
    {
        var sink = new BlockedSink();
        var queue = new ExportQueue(4, sink, new ExportStatistics(), NullLogger.Instance);
        using var abandon = new CancellationTokenSource();
        var running = queue.RunAsync(abandon.Token);
        queue.Enqueue(Window(1));
        queue.Enqueue(Window(2));
        queue.Complete();
        await sink.FirstArrived.Task.WaitAsync(Generous);

        await abandon.CancelAsync();

        await running.WaitAsync(Generous);
        Assert.Equal([1], sink.Exported);
        Assert.False(queue.Enqueue(Window(3)));
    }
}
