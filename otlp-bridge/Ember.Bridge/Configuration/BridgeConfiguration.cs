using Ember.Bridge.Sinks;
using Microsoft.Extensions.Configuration;

namespace Ember.Bridge.Configuration;

/// <summary>
/// Layered configuration: <see cref="BridgeSettings"/>' defaults &lt; the <c>--config</c> file &lt;
/// <c>EMBER_BRIDGE_*</c> environment variables &lt; flags. Each layer is checked on its own (unknown
/// keys, wrong types), so an error names the layer and the key as written there; then the layers
/// are merged, bound to <see cref="BridgeOptions"/> and resolved to <see cref="BridgeSettings"/>.
/// </summary>
public static class BridgeConfiguration
{
    /// <summary>The debuginfod servers' standard environment variable.</summary>
    public const string DebuginfodUrlsVariable = "DEBUGINFOD_URLS";

    /// <summary>Reads, checks and resolves the settings.</summary>
    /// <exception cref="BridgeConfigurationException">Any unusable setting; the message names its key, variable or flag.</exception>
    public static BridgeSettings Load(ConfigurationSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        List<ConfigurationLayer> layers = sources.ConfigFile is { } file ? [ConfigurationLayer.FromJsonFile(file)] : [];
        layers.Add(ConfigurationLayer.FromEnvironment(sources.Environment));
        layers.Add(ConfigurationLayer.FromFlags(sources.Flags));
        var merged = new ConfigurationBuilder();
        foreach (var layer in layers)
        {
            ConfigurationShape.Check(layer);
            Bind(layer);
            merged.AddConfiguration(layer.Configuration);
        }

        // Every layer bound on its own above, so the merged values convert too.
        var options = merged.Build().Get<BridgeOptions>() ?? new BridgeOptions();
        // The standard variable of elfutils and every debuginfod client, below the bridge's own settings.
        options.DebuginfodUrls ??= sources.Environment.GetValueOrDefault(DebuginfodUrlsVariable);
        return Resolve(options, sources.Sinks, path => layers.LastOrDefault(l => l.Configuration.GetSection(path).Exists())?.Where(path) ?? path);
    }

    private static void Bind(ConfigurationLayer layer)
    {
        try
        {
            layer.Configuration.Get<BridgeOptions>();
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the expected type.
            throw new BridgeConfigurationException($"{layer.Source}: {ex.Message}", ex);
        }
    }

    /// <param name="options">The merged options.</param>
    /// <param name="flagSinks">The <c>--sink</c> values.</param>
    /// <param name="where">Names a key as the layer that set it spells it.</param>
    private static BridgeSettings Resolve(BridgeOptions options, IReadOnlyList<string> flagSinks, Func<string, string> where)
    {
        var defaults = new BridgeSettings();
        var settings = new BridgeSettings
        {
            GrpcListen = options.GrpcListen is { } grpc ? ListenAddress.Parse(grpc, where(BridgeOptions.Key(nameof(options.GrpcListen)))) : defaults.GrpcListen,
            HttpListen = options.HttpListen is { } http ? ListenAddress.Parse(http, where(BridgeOptions.Key(nameof(options.HttpListen)))) : defaults.HttpListen,
            Sinks = ResolveSinks(ConfiguredSinks(options.Sinks, where), flagSinks),
            SpoolDirectory = options.Spool ?? defaults.SpoolDirectory,
            SpoolMaxBytes = Positive(options.SpoolMaxBytes, nameof(options.SpoolMaxBytes), where) ?? defaults.SpoolMaxBytes,
            MaxRequestBytes = Positive(options.MaxRequestBytes, nameof(options.MaxRequestBytes), where) ?? defaults.MaxRequestBytes,
            MaxDecompressedBytes = Positive(options.MaxDecompressedBytes, nameof(options.MaxDecompressedBytes), where) ?? defaults.MaxDecompressedBytes,
            AuthTokenFile = options.AuthTokenFile,
            TlsCert = options.TlsCert,
            TlsKey = options.TlsKey,
            DebuginfodUrls = options.DebuginfodUrls is { } urls ? ParseUrls(urls, where(BridgeOptions.Key(nameof(options.DebuginfodUrls)))) : defaults.DebuginfodUrls,
            DebugInfoDirectory = options.DebuginfoDir ?? defaults.DebugInfoDirectory,
            SymbolizeDeadline = Positive(options.SymbolizeDeadlineMs, nameof(options.SymbolizeDeadlineMs), where, "milliseconds") is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.SymbolizeDeadline,
        };
        if ((settings.TlsCert is null) != (settings.TlsKey is null))
        {
            throw new BridgeConfigurationException("--tls-cert and --tls-key go together: give both or neither");
        }

        SinkSpecifications.CheckNames(settings.Sinks);
        return settings;
    }

    private static long? Positive(long? value, string property, Func<string, string> where, string unit = "bytes") =>
        value is <= 0 ? throw new BridgeConfigurationException($"{where(BridgeOptions.Key(property))} must be a positive number of {unit}") : value;

    /// <summary>Space-separated http(s) URLs, each made a base URL (ending in '/') so paths resolve under it.</summary>
    private static List<Uri> ParseUrls(string text, string where)
    {
        var urls = new List<Uri>();
        foreach (var part in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part.EndsWith('/') ? part : part + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new BridgeConfigurationException($"{where}: '{part}' is not an http(s) URL");
            }

            urls.Add(url);
        }

        return urls;
    }

    private static List<SinkSpecification> ConfiguredSinks(IList<ConfiguredSink> sinks, Func<string, string> where)
    {
        var result = new List<SinkSpecification>();
        foreach (var sink in sinks)
        {
            var path = ConfigurationPath.Combine(BridgeOptions.Key(nameof(BridgeOptions.Sinks)), result.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var text = sink.Sink ?? throw new BridgeConfigurationException($"{where(path)} needs \"sink\": \"KIND:TARGET\"");
            var (kind, target) = SinkSpecifications.ParseKindAndTarget(text, where(ConfigurationPath.Combine(path, BridgeOptions.Key(nameof(sink.Sink)))));
            result.Add(new SinkSpecification(kind, target, sink.Name ?? $"{kind}-{result.Count}", new Dictionary<string, string>(sink.Options)));
        }

        return result;
    }

    /// <summary>
    /// <c>--sink</c> replaces the configured list (index-wise merging of layers cannot express that, so
    /// it applies after binding), but a flag sink with the same KIND:TARGET as a configured sink keeps
    /// that sink's name and options.
    /// </summary>
    private static List<SinkSpecification> ResolveSinks(List<SinkSpecification> configured, IReadOnlyList<string> flagSinks)
    {
        if (flagSinks.Count == 0)
        {
            return configured.Count > 0 ? configured : [BridgeSettings.DefaultFileSink];
        }

        var result = new List<SinkSpecification>();
        foreach (var text in flagSinks)
        {
            var (kind, target) = SinkSpecifications.ParseKindAndTarget(text, "--sink");
            var match = configured.FirstOrDefault(s => s.Kind == kind && s.Target == target);
            result.Add(match ?? new SinkSpecification(kind, target, $"{kind}-{result.Count}", new Dictionary<string, string>()));
        }

        return result;
    }
}
