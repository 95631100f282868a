namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>How the Pyroscope sink pushes.</summary>
public enum PyroscopeProtocol
{
    /// <summary>OTLP/HTTP to <c>/v1development/profiles</c>: Pyroscope ≥ 1.20 (option <c>protocol=otlp</c>, the default).</summary>
    Otlp,

    /// <summary>pprof to the legacy <c>/ingest</c> endpoint, for older servers (option <c>protocol=ingest</c>).</summary>
    Ingest,
}
