using System.CommandLine;
using System.Globalization;
using Ember.Bridge.Configuration;

namespace Ember.Bridge.Cli;

/// <summary>The serving flags; each setting flag sets one <see cref="BridgeOptions"/> key in the last configuration layer.</summary>
internal sealed class ServeFlags
{
    private readonly Option<string?> _config = new("--config")
    {
        Description = $"JSON config file (listeners, limits, sinks with per-sink options); {ConfigurationLayer.EnvironmentPrefix}* environment variables override it, flags override both.",
        HelpName = "FILE",
    };

    private readonly Option<string[]> _sinks = new("--sink")
    {
        Description = "Where profiles go, repeatable: file:DIR, pyroscope:URL, parca:HOST:PORT, otlp:URL (default file:./profiles).",
        HelpName = "KIND:TARGET",
    };

    private readonly List<(Option Option, string Key, Func<ParseResult, string?> Read)> _settings = [];

    public ServeFlags()
    {
        Text("--grpc-listen", nameof(BridgeOptions.GrpcListen), "OTLP/gRPC listener (HTTP/2), default 127.0.0.1:4317.", "HOST:PORT");
        Text("--http-listen", nameof(BridgeOptions.HttpListen), "OTLP/HTTP, /ingest, /healthz, /readyz and /metrics listener, default 127.0.0.1:4318.", "HOST:PORT");
        Text("--spool", nameof(BridgeOptions.Spool), "Directory of the per-sink durable queues, default ./spool.", "DIR");
        Bytes("--spool-max-bytes", nameof(BridgeOptions.SpoolMaxBytes), "Undelivered bytes per sink before receivers answer 429 / RESOURCE_EXHAUSTED (default 1 GiB).");
        Bytes("--max-request-bytes", nameof(BridgeOptions.MaxRequestBytes), "Largest request body as it arrives (default 16 MiB).");
        Bytes("--max-decompressed-bytes", nameof(BridgeOptions.MaxDecompressedBytes), "Largest request body after gzip decompression (default 64 MiB).");
        Text("--auth-token-file", nameof(BridgeOptions.AuthTokenFile), "Require 'Authorization: Bearer TOKEN' with the token in this file on every receiver.", "FILE");
        Text("--tls-cert", nameof(BridgeOptions.TlsCert), "PEM certificate for TLS on both listeners (with --tls-key).", "FILE");
        Text("--tls-key", nameof(BridgeOptions.TlsKey), "PEM private key of --tls-cert.", "FILE");
        Text("--debuginfod-urls", nameof(BridgeOptions.DebuginfodUrls), "debuginfod servers the symbolizer asks for debug files of unnamed frames, space-separated (default $DEBUGINFOD_URLS).", "URLS");
        Text("--debuginfo-dir", nameof(BridgeOptions.DebuginfoDir), "Debug-info store: DIR/BUILDID/debuginfo, asked before debuginfod, and the debuginfod cache (default ./debuginfo).", "DIR");
        Number("--symbolize-deadline-ms", nameof(BridgeOptions.SymbolizeDeadlineMs), "Longest wait of a batch for its debug files before it goes on unnamed (default 2000).", "MS");
    }

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_config);
        command.Options.Add(_sinks);
        foreach (var (option, _, _) in _settings)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The configuration sources the parsed flags and <paramref name="environment"/> describe.</summary>
    public ConfigurationSources Read(ParseResult result, IReadOnlyDictionary<string, string> environment)
    {
        var flags = new List<FlagSetting>();
        foreach (var (option, key, read) in _settings)
        {
            if (read(result) is { } value)
            {
                flags.Add(new FlagSetting(option.Name, BridgeOptions.Key(key), value));
            }
        }

        return new ConfigurationSources(result.GetValue(_config), environment, flags, result.GetValue(_sinks) ?? []);
    }

    private void Text(string name, string key, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        _settings.Add((option, key, result => result.GetValue(option)));
    }

    private void Bytes(string name, string key, string description) => Number(name, key, description, "BYTES");

    // Typed, so System.CommandLine rejects a non-number before configuration sees it (exit 2 either way).
    private void Number(string name, string key, string description, string helpName)
    {
        var option = new Option<long?>(name) { Description = description, HelpName = helpName };
        _settings.Add((option, key, result => result.GetValue(option)?.ToString(CultureInfo.InvariantCulture)));
    }
}
