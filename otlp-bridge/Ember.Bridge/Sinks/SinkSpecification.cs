namespace Ember.Bridge.Sinks;

/// <summary>
/// One configured sink: <c>--sink KIND:TARGET</c> on the command line (for example
/// <c>pyroscope:http://pyroscope:4040</c>, <c>parca:parca:7070</c>, <c>otlp:http://collector:4317</c>,
/// <c>file:./profiles</c>), plus per-sink options from the config file (tenant, auth, TLS...).
/// </summary>
/// <param name="Kind">Sink kind: <c>file</c>, <c>pyroscope</c>, <c>parca</c> or <c>otlp</c>.</param>
/// <param name="Target">URL, host:port or directory, as the kind expects.</param>
/// <param name="Name">Unique name for metrics, logs and the spool directory.</param>
/// <param name="Options">Kind-specific options (keys documented by each sink); empty when none.</param>
public sealed record SinkSpecification(string Kind, string Target, string Name, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>The option's value, or null when it is not set. Keys are case-insensitive, like configuration keys, whatever the dictionary's comparer.</summary>
    public string? Option(string key) => Options.FirstOrDefault(option => option.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).Value;
}
