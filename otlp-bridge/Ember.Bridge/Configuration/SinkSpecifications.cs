using Ember.Bridge.Sinks;

namespace Ember.Bridge.Configuration;

/// <summary>Parses <c>--sink KIND:TARGET</c> values and gives each sink a unique name.</summary>
public static class SinkSpecifications
{
    /// <summary>The sink kinds the bridge knows.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["file", "pyroscope", "parca", "otlp"];

    /// <summary>Parses one <c>KIND:TARGET</c>.</summary>
    /// <param name="text">The value.</param>
    /// <param name="where">Where it was set, for messages: <c>--sink</c>, or a config key.</param>
    /// <exception cref="BridgeConfigurationException">No colon, an unknown kind, or an empty target.</exception>
    public static (string Kind, string Target) ParseKindAndTarget(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? text[..colon].ToLowerInvariant() : text;
        if (colon <= 0 || !Kinds.Contains(kind))
        {
            throw new BridgeConfigurationException($"{where} '{text}' is not KIND:TARGET with KIND one of {string.Join('|', Kinds)} (for example file:./profiles)");
        }

        var target = text[(colon + 1)..];
        if (target.Length == 0)
        {
            throw new BridgeConfigurationException($"{where} '{text}' has no target after '{kind}:'");
        }

        return (kind, target);
    }

    /// <summary>Checks names are unique and usable as directory names (each sink has its own spool).</summary>
    /// <exception cref="BridgeConfigurationException">A duplicate or unsafe name.</exception>
    public static void CheckNames(IReadOnlyList<SinkSpecification> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in sinks)
        {
            if (sink.Name.Length == 0 || sink.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || sink.Name.StartsWith('.'))
            {
                throw new BridgeConfigurationException($"sink name '{sink.Name}' must be letters, digits, '-', '_' or '.' (it names the sink's spool directory)");
            }

            if (!seen.Add(sink.Name))
            {
                throw new BridgeConfigurationException($"two sinks are named '{sink.Name}'; give each a unique \"name\" in the config file");
            }
        }
    }
}
