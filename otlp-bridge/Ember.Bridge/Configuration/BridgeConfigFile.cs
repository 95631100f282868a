using System.Text.Json;
using Ember.Bridge.Sinks;

namespace Ember.Bridge.Configuration;

/// <summary>
/// The optional JSON config file (<c>--config</c>). Every setting is optional; keys are the flag names
/// in camelCase, and sinks carry their per-sink options:
/// <code>
/// { "httpListen": "0.0.0.0:4318", "spool": "/var/lib/ember/spool", "spoolMaxBytes": 1073741824,
///   "sinks": [ { "sink": "pyroscope:http://pyroscope:4040", "name": "pyroscope", "options": { "tenant": "a" } } ] }
/// </code>
/// Unknown keys are errors, so a misspelt setting is never silently ignored.
/// </summary>
public sealed record BridgeConfigFile
{
    private static readonly HashSet<string> KnownKeys =
    [
        "grpcListen", "httpListen", "spool", "spoolMaxBytes", "maxRequestBytes", "maxDecompressedBytes",
        "authTokenFile", "tlsCert", "tlsKey", "sinks",
    ];

    /// <summary>grpcListen.</summary>
    public string? GrpcListen { get; init; }

    /// <summary>httpListen.</summary>
    public string? HttpListen { get; init; }

    /// <summary>spool.</summary>
    public string? Spool { get; init; }

    /// <summary>spoolMaxBytes.</summary>
    public long? SpoolMaxBytes { get; init; }

    /// <summary>maxRequestBytes.</summary>
    public long? MaxRequestBytes { get; init; }

    /// <summary>maxDecompressedBytes.</summary>
    public long? MaxDecompressedBytes { get; init; }

    /// <summary>authTokenFile.</summary>
    public string? AuthTokenFile { get; init; }

    /// <summary>tlsCert.</summary>
    public string? TlsCert { get; init; }

    /// <summary>tlsKey.</summary>
    public string? TlsKey { get; init; }

    /// <summary>sinks, with options; empty when the file names none.</summary>
    public IReadOnlyList<SinkSpecification> Sinks { get; init; } = [];

    /// <summary>Reads and checks a config file.</summary>
    /// <exception cref="BridgeConfigurationException">Unreadable file, invalid JSON, an unknown key or a wrong type; the message names the key.</exception>
    public static BridgeConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BridgeConfigurationException($"--config {path}: {ex.Message}", ex);
        }

        try
        {
            return Parse(text);
        }
        catch (JsonException ex)
        {
            throw new BridgeConfigurationException($"--config {path}: not valid JSON: {ex.Message}", ex);
        }
        catch (BridgeConfigurationException ex)
        {
            throw new BridgeConfigurationException($"--config {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses config-file JSON.</summary>
    public static BridgeConfigFile Parse(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BridgeConfigurationException("the top level must be a JSON object");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!KnownKeys.Contains(property.Name))
            {
                throw new BridgeConfigurationException($"unknown key \"{property.Name}\"; known keys: {string.Join(", ", KnownKeys)}");
            }
        }

        return new BridgeConfigFile
        {
            GrpcListen = String(root, "grpcListen"),
            HttpListen = String(root, "httpListen"),
            Spool = String(root, "spool"),
            SpoolMaxBytes = Size(root, "spoolMaxBytes"),
            MaxRequestBytes = Size(root, "maxRequestBytes"),
            MaxDecompressedBytes = Size(root, "maxDecompressedBytes"),
            AuthTokenFile = String(root, "authTokenFile"),
            TlsCert = String(root, "tlsCert"),
            TlsKey = String(root, "tlsKey"),
            Sinks = root.TryGetProperty("sinks", out var sinks) ? ParseSinks(sinks) : [],
        };
    }

    private static List<SinkSpecification> ParseSinks(JsonElement sinks)
    {
        if (sinks.ValueKind != JsonValueKind.Array)
        {
            throw new BridgeConfigurationException("\"sinks\" must be an array of { \"sink\": \"KIND:TARGET\", \"name\": ..., \"options\": {...} }");
        }

        var result = new List<SinkSpecification>();
        foreach (var sink in sinks.EnumerateArray())
        {
            var where = $"sinks[{result.Count}]";
            if (sink.ValueKind != JsonValueKind.Object)
            {
                throw new BridgeConfigurationException($"{where} must be an object");
            }

            foreach (var property in sink.EnumerateObject())
            {
                if (property.Name is not ("sink" or "name" or "options"))
                {
                    throw new BridgeConfigurationException($"{where}: unknown key \"{property.Name}\"; known keys: sink, name, options");
                }
            }

            var spec = String(sink, "sink") ?? throw new BridgeConfigurationException($"{where} needs \"sink\": \"KIND:TARGET\"");
            var (kind, target) = SinkSpecifications.ParseKindAndTarget(spec);
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            if (sink.TryGetProperty("options", out var values))
            {
                if (values.ValueKind != JsonValueKind.Object)
                {
                    throw new BridgeConfigurationException($"{where}.options must be an object of strings");
                }

                foreach (var option in values.EnumerateObject())
                {
                    options[option.Name] = option.Value.ValueKind switch
                    {
                        JsonValueKind.String => option.Value.GetString()!,
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => option.Value.GetRawText(),
                        _ => throw new BridgeConfigurationException($"{where}.options.{option.Name} must be a string, number or boolean"),
                    };
                }
            }

            result.Add(new SinkSpecification(kind, target, String(sink, "name") ?? $"{kind}-{result.Count}", options));
        }

        return result;
    }

    private static string? String(JsonElement element, string key)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new BridgeConfigurationException($"\"{key}\" must be a string");
    }

    private static long? Size(JsonElement element, string key)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var size) && size > 0
            ? size
            : throw new BridgeConfigurationException($"\"{key}\" must be a positive whole number of bytes");
    }
}
