using System.Diagnostics.Metrics;

namespace Ember.Bridge.Telemetry;

/// <summary>
/// The bridge's own metrics (meter <c>Ember.Bridge</c>), exported on <c>/metrics</c>. The instrument
/// names, units and attributes are a contract with the Grafana dashboards: do not rename them.
/// </summary>
public sealed class BridgeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ember.Bridge";

    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _sinkFailures;
    private readonly Counter<long> _sinkRetries;
    private readonly Histogram<double> _sinkDuration;
    private readonly Counter<long> _debugInfoLookups;
    private readonly Histogram<double> _debugInfoLookupDuration;
    private readonly Counter<long> _symbolizedFrames;
    private readonly Counter<long> _symbolizationDeadlines;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The host's meter factory.</param>
    /// <param name="spoolSizes">Reports the pending bytes of each sink's spool, observed on collection.</param>
    /// <param name="debugInfoSizes">Reports the bytes of debug files on disk per source; none when null.</param>
    public BridgeMetrics(IMeterFactory meterFactory, Func<IEnumerable<(string Sink, long Bytes)>> spoolSizes, Func<IEnumerable<(string Source, long Bytes)>>? debugInfoSizes = null)
    {
        debugInfoSizes ??= static () => [];
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(spoolSizes);
        var meter = meterFactory.Create(MeterName);
        _received = meter.CreateCounter<long>("ember.bridge.profiles.received", "{profile}", "Profiles that arrived, per receiver (otlp_grpc, otlp_http, ingest).");
        _rejected = meter.CreateCounter<long>("ember.bridge.profiles.rejected", "{profile}", "Profiles refused, per receiver and reason.");
        _forwarded = meter.CreateCounter<long>("ember.bridge.profiles.forwarded", "{profile}", "Profiles a sink accepted.");
        _sinkFailures = meter.CreateCounter<long>("ember.bridge.sink.failures", "{batch}", "Failed delivery attempts, per sink and reason.");
        _sinkRetries = meter.CreateCounter<long>("ember.bridge.sink.retries", "{attempt}", "Delivery attempts scheduled again after a retryable failure.");
        meter.CreateObservableUpDownCounter(
            "ember.bridge.spool.size",
            () => spoolSizes().Select(s => new Measurement<long>(s.Bytes, new KeyValuePair<string, object?>("sink", s.Sink))),
            "By",
            "Bytes spooled and not yet delivered, per sink.");
        _sinkDuration = meter.CreateHistogram<double>("ember.bridge.sink.duration", "s", "Time of one delivery attempt, per sink.");
        _debugInfoLookups = meter.CreateCounter<long>("ember.bridge.debuginfo.lookups", "{lookup}", "Debug-info lookups by build ID, per source (store, debuginfod) and result (hit, miss, failed, unusable).");
        _debugInfoLookupDuration = meter.CreateHistogram<double>("ember.bridge.debuginfo.lookup.duration", "s", "Time of one debug-info lookup (a debuginfod fetch included), per source.");
        _symbolizedFrames = meter.CreateCounter<long>("ember.bridge.symbolization.frames", "{frame}", "Unnamed frames with a build ID the symbolizer stage saw, per result (named, unnamed).");
        _symbolizationDeadlines = meter.CreateCounter<long>("ember.bridge.symbolization.deadline_missed", "{batch}", "Batches sent on before their debug info arrived.");
        meter.CreateObservableUpDownCounter(
            "ember.bridge.debuginfo.size",
            () => debugInfoSizes().Select(s => new Measurement<long>(s.Bytes, new KeyValuePair<string, object?>("source", s.Source))),
            "By",
            "Bytes of debug files on disk, per source (store, debuginfod cache).");
    }

    /// <summary>Counts profiles that arrived at a receiver.</summary>
    public void Received(string receiver, long profiles) => _received.Add(profiles, new KeyValuePair<string, object?>("receiver", receiver));

    /// <summary>Counts profiles refused at a receiver.</summary>
    public void Rejected(string receiver, string reason, long profiles) =>
        _rejected.Add(profiles, new KeyValuePair<string, object?>("receiver", receiver), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts profiles a sink took.</summary>
    public void Forwarded(string sink, long profiles) => _forwarded.Add(profiles, new KeyValuePair<string, object?>("sink", sink));

    /// <summary>Counts a failed delivery attempt.</summary>
    public void SinkFailure(string sink, string reason) =>
        _sinkFailures.Add(1, new KeyValuePair<string, object?>("sink", sink), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a retry.</summary>
    public void SinkRetry(string sink, string reason) =>
        _sinkRetries.Add(1, new KeyValuePair<string, object?>("sink", sink), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Records how long a delivery attempt took.</summary>
    public void SinkDuration(string sink, TimeSpan elapsed) => _sinkDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("sink", sink));

    /// <summary>Counts one debug-info lookup and records its time.</summary>
    public void DebugInfoLookup(string source, string result, TimeSpan elapsed)
    {
        _debugInfoLookups.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("result", result));
        _debugInfoLookupDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("source", source));
    }

    /// <summary>Counts frames the symbolizer stage named and left unnamed.</summary>
    public void FramesSymbolized(long named, long unnamed)
    {
        _symbolizedFrames.Add(named, new KeyValuePair<string, object?>("result", "named"));
        _symbolizedFrames.Add(unnamed, new KeyValuePair<string, object?>("result", "unnamed"));
    }

    /// <summary>Counts a batch that went on before its debug info arrived.</summary>
    public void SymbolizationDeadlineMissed() => _symbolizationDeadlines.Add(1);
}
