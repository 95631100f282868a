namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>How the Pyroscope sink pushes.</summary>
public enum PyroscopeProtocol
{
    /// <summary>OTLP/HTTP to <c>/v1development/profiles</c>: Pyroscope ≥ 1.20 (option <c>protocol=otlp</c>, the default).</summary>
    Otlp,

    /// <summary>
    /// pprof series with exact labels in one <c>push.v1.PusherService/Push</c> (Connect unary) per batch,
    /// for servers without OTLP (Pyroscope 1.x before 1.20, Phlare); option <c>protocol=push</c>.
    /// </summary>
    Push,

    /// <summary>pprof to the legacy <c>/ingest</c> endpoint, for older servers (option <c>protocol=ingest</c>).</summary>
    Ingest,
}
