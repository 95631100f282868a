using Microsoft.Extensions.Configuration;

namespace Ember.Bridge.Configuration;

/// <summary>
/// Checks one layer's keys against <see cref="BridgeOptions"/> before binding, because the binder
/// silently ignores what it does not know: a misspelt key, or an object where a value belongs, is an
/// error naming the key as the layer spells it. Sink option keys are checked later by each sink kind.
/// </summary>
internal static class ConfigurationShape
{
    private static readonly string SinksKey = BridgeOptions.Key(nameof(BridgeOptions.Sinks));
    private static readonly string OptionsKey = BridgeOptions.Key(nameof(ConfiguredSink.Options));

    /// <exception cref="BridgeConfigurationException">An unknown key, or a value or object in the wrong place.</exception>
    public static void Check(ConfigurationLayer layer)
    {
        foreach (var section in layer.Configuration.GetChildren())
        {
            if (Is(section, SinksKey))
            {
                CheckSinks(layer, section);
            }
            else
            {
                RequireValue(layer, section, BridgeOptions.ValueKeys, [.. BridgeOptions.ValueKeys, SinksKey]);
            }
        }
    }

    private static void CheckSinks(ConfigurationLayer layer, IConfigurationSection sinks)
    {
        if (sinks.Value is not null)
        {
            throw Invalid(layer, sinks, "must be an array of { \"sink\": \"KIND:TARGET\", \"name\": ..., \"options\": {...} }");
        }

        foreach (var sink in sinks.GetChildren())
        {
            if (!sink.Key.All(char.IsAsciiDigit) || sink.Value is not null)
            {
                throw Invalid(layer, sink, "must be an object in the sinks array");
            }

            foreach (var entry in sink.GetChildren())
            {
                if (!Is(entry, OptionsKey))
                {
                    RequireValue(layer, entry, ConfiguredSink.Keys, ConfiguredSink.Keys);
                }
                else if (entry.Value is not null)
                {
                    throw Invalid(layer, entry, "must be an object of strings, numbers or booleans");
                }
                else if (entry.GetChildren().FirstOrDefault(option => option.Value is null) is { } nested)
                {
                    throw Invalid(layer, nested, "must be a string, number or boolean");
                }
            }
        }
    }

    private static void RequireValue(ConfigurationLayer layer, IConfigurationSection section, string[] valueKeys, string[] knownKeys)
    {
        if (!valueKeys.Any(key => Is(section, key)))
        {
            throw new BridgeConfigurationException($"{layer.Source}: unknown key {layer.NameOf(section.Path)}; known keys: {string.Join(", ", knownKeys)}");
        }

        if (section.Value is null)
        {
            throw Invalid(layer, section, "must be a value, not an object or array");
        }
    }

    private static bool Is(IConfigurationSection section, string key) => section.Key.Equals(key, StringComparison.OrdinalIgnoreCase);

    private static BridgeConfigurationException Invalid(ConfigurationLayer layer, IConfigurationSection section, string detail) =>
        new($"{layer.Where(section.Path)} {detail}");
}
