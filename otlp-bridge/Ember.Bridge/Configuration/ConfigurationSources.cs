namespace Ember.Bridge.Configuration;

/// <summary>What the bridge reads its settings from, lowest precedence first.</summary>
/// <param name="ConfigFile">The <c>--config</c> JSON file, if given.</param>
/// <param name="Environment">The process environment; <c>EMBER_BRIDGE_*</c> variables and <c>DEBUGINFOD_URLS</c> are read.</param>
/// <param name="Flags">The setting flags given on the command line.</param>
/// <param name="Sinks">The <c>--sink</c> values in order; when any is given they replace the configured list.</param>
public sealed record ConfigurationSources(
    string? ConfigFile,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<FlagSetting> Flags,
    IReadOnlyList<string> Sinks);
