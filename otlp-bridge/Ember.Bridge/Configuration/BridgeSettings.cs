using Ember.Bridge.Sinks;

namespace Ember.Bridge.Configuration;

/// <summary>Everything the bridge runs with; <see cref="BridgeConfiguration"/> resolves it from the configuration layers, and its initial values are the defaults.</summary>
public sealed record BridgeSettings
{
    /// <summary>64 MiB: OTLP's recommended limit on a request after decompression (proto v1.11).</summary>
    public const long DefaultMaxDecompressedBytes = 64L * 1024 * 1024;

    /// <summary>16 MiB on the wire: profiles compress 4-8x, so this still admits a full 64 MiB payload.</summary>
    public const long DefaultMaxRequestBytes = 16L * 1024 * 1024;

    /// <summary>1 GiB of undelivered data per sink before receivers push back.</summary>
    public const long DefaultSpoolMaxBytes = 1024L * 1024 * 1024;

    /// <summary>OTLP/gRPC listener (HTTP/2).</summary>
    public ListenAddress GrpcListen { get; init; } = new("127.0.0.1", 4317);

    /// <summary>OTLP/HTTP, /ingest, health and metrics listener (HTTP/1.1, and HTTP/2 over TLS).</summary>
    public ListenAddress HttpListen { get; init; } = new("127.0.0.1", 4318);

    /// <summary>Where profiles go; <c>file:./profiles</c> when none is configured.</summary>
    public IReadOnlyList<SinkSpecification> Sinks { get; init; } = [DefaultFileSink];

    /// <summary>Root of the per-sink spools.</summary>
    public string SpoolDirectory { get; init; } = "./spool";

    /// <summary>Undelivered bytes per sink before receivers answer 429 / RESOURCE_EXHAUSTED.</summary>
    public long SpoolMaxBytes { get; init; } = DefaultSpoolMaxBytes;

    /// <summary>Largest request body as it arrives (compressed or not).</summary>
    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>Largest payload after decompression (the zip-bomb guard).</summary>
    public long MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    /// <summary>File holding the bearer token receivers require; no auth when null.</summary>
    public string? AuthTokenFile { get; init; }

    /// <summary>PEM certificate for TLS on both listeners (with <see cref="TlsKey"/>).</summary>
    public string? TlsCert { get; init; }

    /// <summary>PEM private key for <see cref="TlsCert"/>.</summary>
    public string? TlsKey { get; init; }

    /// <summary>First retry delay of a failing sink; doubles per attempt (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay between two attempts, unless the sink's Retry-After asks for more.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>debuginfod servers the symbolizer stage asks, in order (<c>DEBUGINFOD_URLS</c>); none by default.</summary>
    public IReadOnlyList<Uri> DebuginfodUrls { get; init; } = [];

    /// <summary>The debug-info store: <c>DIR/BUILDID/debuginfo</c>, and the debuginfod cache in <c>DIR/.debuginfod-cache</c>.</summary>
    public string DebugInfoDirectory { get; init; } = "./debuginfo";

    /// <summary>Longest wait of a batch for its debug files before it goes on to its sink.</summary>
    public TimeSpan SymbolizeDeadline { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The sink used when none is configured.</summary>
    public static SinkSpecification DefaultFileSink { get; } = new("file", "./profiles", "file-0", new Dictionary<string, string>());
}
