using Ember.Bridge.Sinks;

namespace Ember.Bridge.Configuration;

/// <summary>The serving flags as given on the command line; null when a flag was not given.</summary>
public sealed record BridgeFlags
{
    /// <summary>--grpc-listen.</summary>
    public string? GrpcListen { get; init; }

    /// <summary>--http-listen.</summary>
    public string? HttpListen { get; init; }

    /// <summary>--sink values in order.</summary>
    public IReadOnlyList<string> Sinks { get; init; } = [];

    /// <summary>--spool.</summary>
    public string? Spool { get; init; }

    /// <summary>--spool-max-bytes.</summary>
    public long? SpoolMaxBytes { get; init; }

    /// <summary>--max-request-bytes.</summary>
    public long? MaxRequestBytes { get; init; }

    /// <summary>--max-decompressed-bytes.</summary>
    public long? MaxDecompressedBytes { get; init; }

    /// <summary>--auth-token-file.</summary>
    public string? AuthTokenFile { get; init; }

    /// <summary>--tls-cert.</summary>
    public string? TlsCert { get; init; }

    /// <summary>--tls-key.</summary>
    public string? TlsKey { get; init; }

    /// <summary>
    /// Combines the config file (may be null) and the flags into settings; flags win. When <c>--sink</c>
    /// is given it replaces the file's sink list, but a flag sink with the same KIND:TARGET as a file
    /// sink keeps that sink's name and options.
    /// </summary>
    /// <exception cref="BridgeConfigurationException">Any unusable value; the message names the flag or key.</exception>
    public BridgeSettings Resolve(BridgeConfigFile? file)
    {
        file ??= new BridgeConfigFile();
        var defaults = new BridgeSettings();
        var settings = new BridgeSettings
        {
            GrpcListen = GrpcListen is { } grpc ? ListenAddress.Parse(grpc, "--grpc-listen")
                : file.GrpcListen is { } fileGrpc ? ListenAddress.Parse(fileGrpc, "grpcListen") : defaults.GrpcListen,
            HttpListen = HttpListen is { } http ? ListenAddress.Parse(http, "--http-listen")
                : file.HttpListen is { } fileHttp ? ListenAddress.Parse(fileHttp, "httpListen") : defaults.HttpListen,
            Sinks = ResolveSinks(file.Sinks),
            SpoolDirectory = Spool ?? file.Spool ?? defaults.SpoolDirectory,
            SpoolMaxBytes = SpoolMaxBytes ?? file.SpoolMaxBytes ?? defaults.SpoolMaxBytes,
            MaxRequestBytes = MaxRequestBytes ?? file.MaxRequestBytes ?? defaults.MaxRequestBytes,
            MaxDecompressedBytes = MaxDecompressedBytes ?? file.MaxDecompressedBytes ?? defaults.MaxDecompressedBytes,
            AuthTokenFile = AuthTokenFile ?? file.AuthTokenFile,
            TlsCert = TlsCert ?? file.TlsCert,
            TlsKey = TlsKey ?? file.TlsKey,
        };
        if ((settings.TlsCert is null) != (settings.TlsKey is null))
        {
            throw new BridgeConfigurationException("--tls-cert and --tls-key go together: give both or neither");
        }

        foreach (var (name, value) in new[] { ("--spool-max-bytes", settings.SpoolMaxBytes), ("--max-request-bytes", settings.MaxRequestBytes), ("--max-decompressed-bytes", settings.MaxDecompressedBytes) })
        {
            if (value <= 0)
            {
                throw new BridgeConfigurationException($"{name} must be a positive number of bytes");
            }
        }

        SinkSpecifications.CheckNames(settings.Sinks);
        return settings;
    }

    private IReadOnlyList<SinkSpecification> ResolveSinks(IReadOnlyList<SinkSpecification> fileSinks)
    {
        if (Sinks.Count == 0)
        {
            return fileSinks.Count > 0 ? fileSinks : [BridgeSettings.DefaultFileSink];
        }

        var result = new List<SinkSpecification>();
        foreach (var text in Sinks)
        {
            var (kind, target) = SinkSpecifications.ParseKindAndTarget(text);
            var fromFile = fileSinks.FirstOrDefault(s => s.Kind == kind && s.Target == target);
            result.Add(fromFile ?? new SinkSpecification(kind, target, $"{kind}-{result.Count}", new Dictionary<string, string>()));
        }

        return result;
    }
}
