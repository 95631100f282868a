using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Ember.Bridge.Configuration;

/// <summary>
/// One source of settings (the config file, the environment or the flags) as configuration keys,
/// remembering how its user spelt each key so that an error names the line, variable or flag to fix.
/// Empty values count as not set, as a JSON <c>null</c> did before.
/// </summary>
public sealed partial class ConfigurationLayer
{
    /// <summary>Prefix of the environment variables the bridge reads; <c>__</c> separates levels.</summary>
    public const string EnvironmentPrefix = "EMBER_BRIDGE_";

    private readonly Func<string, string> _nameOf;
    private readonly string _prefix;

    private ConfigurationLayer(string source, IEnumerable<KeyValuePair<string, string?>> values, Func<string, string> nameOf, bool prefixNames)
    {
        Source = source;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Where(v => !string.IsNullOrEmpty(v.Value))).Build();
        _nameOf = nameOf;
        _prefix = prefixNames ? source + ": " : "";
    }

    /// <summary>Where the settings come from: <c>--config PATH</c>, <c>environment</c> or <c>command line</c>.</summary>
    public string Source { get; }

    /// <summary>The layer's keys and values.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The key as written in this source: <c>"sinks[0].name"</c>, <c>EMBER_BRIDGE_SINKS__0__NAME</c>, <c>--grpc-listen</c>.</summary>
    public string NameOf(string path) => _nameOf(path);

    /// <summary>The key with its source, to start an error message: <c>--config bridge.json: "spoolMaxBytes"</c>.</summary>
    public string Where(string path) => _prefix + NameOf(path);

    /// <summary>Reads a JSON config file (comments and trailing commas allowed).</summary>
    /// <exception cref="BridgeConfigurationException">The file cannot be read or is not a JSON object.</exception>
    public static ConfigurationLayer FromJsonFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = "--config " + path;
        IConfigurationRoot file;
        try
        {
            // A stream, not AddJsonFile: relative paths stay relative to the working directory and dot-files are not hidden.
            using var stream = File.OpenRead(path);
            file = new ConfigurationBuilder().AddJsonStream(stream).Build();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BridgeConfigurationException($"{source}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            // The provider throws JsonException for broken JSON, FormatException (maybe around one) for the wrong shape.
            var detail = (ex as JsonException ?? ex.InnerException as JsonException) is { } json ? "not valid JSON: " + json.Message : ex.Message;
            throw new BridgeConfigurationException($"{source}: {detail}", ex);
        }

        return new ConfigurationLayer(source, file.AsEnumerable(), JsonName, prefixNames: true);
    }

    /// <summary>
    /// The <c>EMBER_BRIDGE_*</c> variables of <paramref name="environment"/> (injected, so tests need not
    /// change the process's), mapped as the standard environment provider maps them:
    /// <c>EMBER_BRIDGE_SINKS__0__SINK</c> is <c>sinks:0:sink</c>.
    /// </summary>
    public static ConfigurationLayer FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && !KubernetesServiceLink().IsMatch(name))
            {
                var key = name[EnvironmentPrefix.Length..].Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
                variables[key] = name;
                values.Add(new(key, value));
            }
        }

        return new ConfigurationLayer(
            "environment",
            values,
            path => variables.GetValueOrDefault(path) ?? EnvironmentPrefix + path.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal).ToUpperInvariant(),
            prefixNames: false);
    }

    /// <summary>The flags given on the command line.</summary>
    public static ConfigurationLayer FromFlags(IReadOnlyList<FlagSetting> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var names = flags.ToDictionary(f => f.Key, f => f.Flag, StringComparer.OrdinalIgnoreCase);
        return new ConfigurationLayer("command line", flags.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), path => names.GetValueOrDefault(path) ?? path, prefixNames: false);
    }

    /// <summary><c>sinks:0:options:tenant</c> as a JSON path, <c>"sinks[0].options.tenant"</c>.</summary>
    private static string JsonName(string path) => "\"" + JsonPath(path) + "\"";

    private static string JsonPath(string path)
    {
        var result = new StringBuilder();
        foreach (var segment in path.Split(ConfigurationPath.KeyDelimiter))
        {
            result.Append(segment.All(char.IsAsciiDigit) ? $"[{segment}]" : (result.Length > 0 ? "." : "") + segment);
        }

        return result.ToString();
    }

    /// <summary>
    /// Variables Kubernetes sets in every pod for each Service of its namespace (and Docker for links):
    /// the bridge's own Service <c>ember-bridge</c> yields <c>EMBER_BRIDGE_SERVICE_HOST</c>,
    /// <c>EMBER_BRIDGE_PORT_4317_TCP</c> and so on. They are not settings, and must not be unknown keys.
    /// </summary>
    [GeneratedRegex(@"_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_ADDR|_PORT|_PROTO)?)?)$")]
    private static partial Regex KubernetesServiceLink();
}
