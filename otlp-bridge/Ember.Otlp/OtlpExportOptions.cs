namespace Ember.Otlp;

/// <summary>Where and how one exporter sends profiles.</summary>
/// <param name="Endpoint">For gRPC the server's base address; for OTLP/HTTP the full URL to POST to.</param>
/// <param name="Protocol">The transport.</param>
/// <param name="Headers">Extra request headers (gRPC metadata), e.g. authorization; values may be secrets and are never logged.</param>
/// <param name="Gzip">Whether requests are gzip-compressed.</param>
/// <param name="Timeout">Deadline of one export attempt.</param>
public sealed record OtlpExportOptions(
    Uri Endpoint,
    OtlpProtocol Protocol,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool Gzip,
    TimeSpan Timeout)
{
    /// <summary>
    /// The HTTP handler to send through (a TLS policy, client certificates); the exporter takes
    /// ownership and disposes it. Null for a default <see cref="SocketsHttpHandler"/>.
    /// </summary>
    public HttpMessageHandler? Handler { get; init; }
}
