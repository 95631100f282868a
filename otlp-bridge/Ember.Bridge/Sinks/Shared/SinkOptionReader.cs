using System.Globalization;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Reads and checks one sink's options: unknown keys are rejected (a typo must not silently turn
/// authentication off), values are parsed with errors naming the key. Keys are case-insensitive,
/// like every configuration key (an environment variable spells them in capitals).
/// </summary>
public sealed class SinkOptionReader
{
    private readonly SinkSpecification _specification;

    /// <summary>Checks that every option key is one of <paramref name="knownKeys"/>.</summary>
    /// <exception cref="SinkConfigurationException">An option key is not known to this sink kind.</exception>
    public SinkOptionReader(SinkSpecification specification, IReadOnlyCollection<string> knownKeys)
    {
        ArgumentNullException.ThrowIfNull(specification);
        ArgumentNullException.ThrowIfNull(knownKeys);
        _specification = specification;
        foreach (var key in specification.Options.Keys)
        {
            if (!knownKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid(key, $"unknown option; {specification.Kind} sinks accept {string.Join(", ", knownKeys.Order(StringComparer.Ordinal))}");
            }
        }
    }

    /// <summary>The sink's name, for messages.</summary>
    public string SinkName => _specification.Name;

    /// <summary>The value, or null when not set (an empty value counts as not set).</summary>
    public string? String(string key) => _specification.Option(key) is { Length: > 0 } value ? value : null;

    /// <summary>One of <paramref name="allowed"/> (case-insensitive, returned as listed), or the default.</summary>
    public string Choice(string key, string defaultValue, params string[] allowed)
    {
        var value = String(key);
        if (value is null)
        {
            return defaultValue;
        }

        return Array.Find(allowed, a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(key, $"'{value}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary><c>true</c> or <c>false</c>, or the default.</summary>
    public bool Boolean(string key, bool defaultValue) => String(key) switch
    {
        null => defaultValue,
        var value when bool.TryParse(value, out var parsed) => parsed,
        var value => throw Invalid(key, $"'{value}' is not true or false"),
    };

    /// <summary>A positive duration in seconds (fractions allowed), or the default.</summary>
    public TimeSpan Seconds(string key, TimeSpan defaultValue)
    {
        var value = String(key);
        if (value is null)
        {
            return defaultValue;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw Invalid(key, $"'{value}' is not a number of seconds between 0 and 3600");
    }

    /// <summary>
    /// The trimmed content of the file the option names (a secret such as a password or token), or
    /// null when the option is not set. Errors name the option and the path, never the content.
    /// </summary>
    public string? SecretFromFile(string key)
    {
        var path = String(key);
        if (path is null)
        {
            return null;
        }

        string content;
        try
        {
            // Qualified: Ember.Bridge.Sinks.File is the file sink's namespace.
            content = System.IO.File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SinkConfigurationException($"sink {SinkName}: read {key} '{path}': {ex.Message}", key, ex);
        }

        return content.Length > 0 ? content : throw Invalid(key, $"'{path}' is empty");
    }

    /// <summary>An error naming the sink and the option.</summary>
    public SinkConfigurationException Invalid(string key, string detail) =>
        new($"sink {SinkName}: option {key}: {detail}", key);
}
