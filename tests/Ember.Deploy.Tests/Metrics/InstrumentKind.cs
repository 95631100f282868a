namespace Ember.Deploy.Tests.Metrics;

/// <summary>What an OpenTelemetry instrument becomes in the Prometheus data model.</summary>
public enum InstrumentKind
{
    /// <summary>Counter / ObservableCounter: a monotonic sum, a Prometheus counter.</summary>
    Counter,

    /// <summary>UpDownCounter / ObservableUpDownCounter: a non-monotonic sum, a Prometheus gauge.</summary>
    UpDownCounter,

    /// <summary>Gauge / ObservableGauge: a Prometheus gauge.</summary>
    Gauge,

    /// <summary>Histogram: a Prometheus histogram (buckets, sum, count).</summary>
    Histogram,
}
