namespace Ember.Agent.Export;

/// <summary>Where and how profiles are exported, after flags and OTEL_EXPORTER_OTLP_* are resolved.</summary>
/// <param name="Endpoint">For gRPC the server's base address; for OTLP/HTTP the full URL to POST to.</param>
/// <param name="Protocol">The transport.</param>
/// <param name="Headers">Extra request headers (gRPC metadata), e.g. authorization.</param>
/// <param name="Gzip">Whether request bodies are gzip-compressed.</param>
/// <param name="Timeout">Deadline of one export attempt.</param>
public sealed record OtlpExportOptions(
    Uri Endpoint,
    OtlpProtocol Protocol,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool Gzip,
    TimeSpan Timeout);
