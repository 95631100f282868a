namespace Ember.Bridge.Configuration;

/// <summary>One entry of <c>sinks</c>: <c>{ "sink": "KIND:TARGET", "name": ..., "options": { ... } }</c>.</summary>
public sealed class ConfiguredSink
{
    /// <summary>The keys an entry may have.</summary>
    internal static readonly string[] Keys = [BridgeOptions.Key(nameof(Sink)), BridgeOptions.Key(nameof(Name)), BridgeOptions.Key(nameof(Options))];

    /// <summary>sink: <c>KIND:TARGET</c>, as <c>--sink</c> takes it.</summary>
    public string? Sink { get; set; }

    /// <summary>name: unique, names the spool directory; <c>KIND-INDEX</c> when not set.</summary>
    public string? Name { get; set; }

    /// <summary>options: the sink kind's own keys; case-insensitive, like every configuration key.</summary>
    public IDictionary<string, string> Options { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
