using System.Collections.Concurrent;

namespace Ember.Agent.Export;

/// <summary>
/// Running totals of the export path, updated from the collector and the exporter task at once
/// (hence Interlocked); <see cref="Telemetry.AgentMetrics"/> publishes them as OpenTelemetry metrics.
/// </summary>
public sealed class ExportStatistics
{
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private long _samplesExported;
    private long _requests;
    private long _retries;
    private long _queueDrops;
    private long _rejectedProfiles;
    private long _unreadableResponses;
    private long _latencyTicks;
    private long _lastLatencyTicks;

    /// <summary>Samples in requests the server accepted.</summary>
    public long SamplesExported => Interlocked.Read(ref _samplesExported);

    /// <summary>Export requests sent, retries included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that repeated a failed one.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Windows dropped because the queue to the exporter was full.</summary>
    public long QueueDrops => Interlocked.Read(ref _queueDrops);

    /// <summary>Profiles the server reported in partial_success.rejected_profiles.</summary>
    public long RejectedProfiles => Interlocked.Read(ref _rejectedProfiles);

    /// <summary>Accepted requests whose response could not be read (counted as exported, never resent).</summary>
    public long UnreadableResponses => Interlocked.Read(ref _unreadableResponses);

    /// <summary>Windows given up on, by <see cref="Ember.Otlp.ExportResult.Reason"/> (e.g. <c>invalid_argument</c>, <c>http_400</c>).</summary>
    public IReadOnlyDictionary<string, long> FailuresByReason => new Dictionary<string, long>(_failures, StringComparer.Ordinal);

    /// <summary>Windows given up on, every reason together.</summary>
    public long Failures => _failures.Values.Sum();

    /// <summary>Duration of the last accepted export, retries and back-off included.</summary>
    public TimeSpan LastExportLatency => TimeSpan.FromTicks(Interlocked.Read(ref _lastLatencyTicks));

    /// <summary>Sum of every accepted export's duration.</summary>
    public TimeSpan TotalExportLatency => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));

    internal void RequestSent(bool isRetry)
    {
        Interlocked.Increment(ref _requests);
        if (isRetry)
        {
            Interlocked.Increment(ref _retries);
        }
    }

    internal void Exported(ExportBatch batch, long rejectedProfiles, TimeSpan latency)
    {
        Interlocked.Add(ref _samplesExported, batch.Samples);
        Interlocked.Add(ref _rejectedProfiles, rejectedProfiles);
        Interlocked.Add(ref _latencyTicks, latency.Ticks);
        Interlocked.Exchange(ref _lastLatencyTicks, latency.Ticks);
    }

    internal void Failed(string reason) => _failures.AddOrUpdate(reason, 1, (_, count) => count + 1);

    internal void UnreadableResponse() => Interlocked.Increment(ref _unreadableResponses);

    internal void QueueDropped() => Interlocked.Increment(ref _queueDrops);
}
