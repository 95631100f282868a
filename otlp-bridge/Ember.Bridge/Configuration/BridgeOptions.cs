namespace Ember.Bridge.Configuration;

/// <summary>
/// The bridge's settings as configuration describes them, bound from every layer (config file &lt;
/// <c>EMBER_BRIDGE_*</c> environment &lt; flags) by the source-generated binder. The property names,
/// in camelCase, are the config-file keys; null means "not set", so <see cref="BridgeSettings"/>'
/// defaults apply. <see cref="BridgeConfiguration"/> checks and resolves it.
/// </summary>
public sealed class BridgeOptions
{
    /// <summary>Keys that hold one value (every property but <see cref="Sinks"/>).</summary>
    internal static readonly string[] ValueKeys =
    [
        Key(nameof(GrpcListen)), Key(nameof(HttpListen)), Key(nameof(Spool)), Key(nameof(SpoolMaxBytes)), Key(nameof(MaxRequestBytes)),
        Key(nameof(MaxDecompressedBytes)), Key(nameof(AuthTokenFile)), Key(nameof(TlsCert)), Key(nameof(TlsKey)),
        Key(nameof(DebuginfodUrls)), Key(nameof(DebuginfoDir)), Key(nameof(SymbolizeDeadlineMs)),
    ];

    /// <summary>grpcListen (--grpc-listen), HOST:PORT.</summary>
    public string? GrpcListen { get; set; }

    /// <summary>httpListen (--http-listen), HOST:PORT.</summary>
    public string? HttpListen { get; set; }

    /// <summary>spool (--spool), a directory.</summary>
    public string? Spool { get; set; }

    /// <summary>spoolMaxBytes (--spool-max-bytes).</summary>
    public long? SpoolMaxBytes { get; set; }

    /// <summary>maxRequestBytes (--max-request-bytes).</summary>
    public long? MaxRequestBytes { get; set; }

    /// <summary>maxDecompressedBytes (--max-decompressed-bytes).</summary>
    public long? MaxDecompressedBytes { get; set; }

    /// <summary>authTokenFile (--auth-token-file).</summary>
    public string? AuthTokenFile { get; set; }

    /// <summary>tlsCert (--tls-cert).</summary>
    public string? TlsCert { get; set; }

    /// <summary>tlsKey (--tls-key).</summary>
    public string? TlsKey { get; set; }

    /// <summary>debuginfodUrls (--debuginfod-urls), space-separated; DEBUGINFOD_URLS when not set.</summary>
    public string? DebuginfodUrls { get; set; }

    /// <summary>debuginfoDir (--debuginfo-dir), the debug-info store.</summary>
    public string? DebuginfoDir { get; set; }

    /// <summary>symbolizeDeadlineMs (--symbolize-deadline-ms).</summary>
    public long? SymbolizeDeadlineMs { get; set; }

    /// <summary>sinks, in order; <c>--sink</c> replaces the list (see <see cref="BridgeConfiguration"/>).</summary>
    public IList<ConfiguredSink> Sinks { get; } = [];

    /// <summary>The configuration key of a property: its name in camelCase.</summary>
    internal static string Key(string propertyName) => char.ToLowerInvariant(propertyName[0]) + propertyName[1..];
}
