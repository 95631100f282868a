using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Ember.Agent.Configuration;

/// <summary>
/// Builds <see cref="RunOptions"/> from its layers, each overriding the one before: defaults, the
/// optional JSON file, the environment (<c>EMBER_AGENT_FREQUENCY=99</c>, lists as
/// <c>EMBER_AGENT_PIDS__0=42</c>), the flags typed on the command line. As strict as a schema:
/// an unknown key or a value of the wrong type is an error naming the key.
/// </summary>
public static class RunOptionsLoader
{
    /// <summary>The prefix of the agent's own environment variables (the OTEL_* ones are read by the exporter).</summary>
    public const string EnvironmentPrefix = "EMBER_AGENT_";

    /// <summary>Larger than any sensible config file; a bigger file is a mistake, not config.</summary>
    private const long MaxFileBytes = 1 << 20;

    /// <summary>The keys holding lists: a higher layer's list replaces a lower one's instead of merging index by index.</summary>
    private static readonly string[] ListKeys = [nameof(RunOptions.Pids), nameof(RunOptions.Namespaces)];

    /// <summary>The process's EMBER_AGENT_* variables, as the environment layer.</summary>
    public static IConfigurationSource ProcessEnvironment() => new EnvironmentVariablesConfigurationSource { Prefix = EnvironmentPrefix };

    /// <summary>Loads the layers and binds them.</summary>
    /// <param name="configFile">The --config file, or null for none.</param>
    /// <param name="environment">The environment layer (<see cref="ProcessEnvironment"/> outside tests).</param>
    /// <param name="flags">The flags typed on the command line, by configuration key (lists as <c>pids:0</c>, <c>pids:1</c>).</param>
    /// <exception cref="AgentConfigException">The file is missing, too large or not a JSON object, or a key is unknown or has a value of the wrong type.</exception>
    public static RunOptions Load(string? configFile, IConfigurationSource environment, IReadOnlyDictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        var layerNames = new List<string>();
        if (configFile is not null)
        {
            builder.AddJsonStream(new MemoryStream(ReadFile(configFile)));
            layerNames.Add($"config file {configFile}");
        }

        builder.Add(environment);
        layerNames.Add($"the environment ({EnvironmentPrefix}*)");
        builder.Add(new MemoryConfigurationSource { InitialData = flags });
        layerNames.Add("a flag");
        IConfigurationRoot layered;
        try
        {
            layered = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException)
        {
            throw new AgentConfigException($"config file {configFile}: {Describe(ex)}", ex);
        }

        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var options = new RunOptions();
        try
        {
            WithListsReplaced(layered, layerNames, origins).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key (unknown, or its value not of the key's type); add which layer set it.
            var setBy = origins.Where(o => ex.Message.Contains($"'{o.Key}'", StringComparison.OrdinalIgnoreCase)).Select(o => $"{o.Key} is set by {o.Value}");
            throw new AgentConfigException($"configuration: {Describe(ex)} ({string.Join("; ", setBy)})", ex);
        }

        return options;
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new AgentConfigException($"config file {path} does not exist");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new AgentConfigException($"config file {path} is {info.Length} bytes; the limit is {MaxFileBytes}");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AgentConfigException($"config file {path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>One configuration with every layer's values, where a list comes whole from the highest layer that sets it.</summary>
    private static IConfigurationRoot WithListsReplaced(IConfigurationRoot layered, IReadOnlyList<string> layerNames, Dictionary<string, string> origins)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (layer, name) in layered.Providers.Zip(layerNames))
        {
            foreach (var list in ListKeys.Where(list => layer.GetChildKeys([], list).Any()))
            {
                foreach (var key in values.Keys.Where(key => key.StartsWith(list + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    values.Remove(key);
                }
            }

            foreach (var (key, value) in Entries(layer, parent: null))
            {
                values[key] = value;
                origins[key] = name;
            }
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static IEnumerable<KeyValuePair<string, string?>> Entries(IConfigurationProvider layer, string? parent)
    {
        foreach (var child in layer.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : ConfigurationPath.Combine(parent, child);
            if (layer.TryGet(key, out var value))
            {
                yield return new(key, value);
            }

            foreach (var entry in Entries(layer, key))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The message with its causes, which say where (JSON line and byte, or the key) and why.</summary>
    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner ? $"{ex.Message} {Describe(inner)}" : ex.Message;
}
