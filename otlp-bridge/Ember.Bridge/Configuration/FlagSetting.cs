namespace Ember.Bridge.Configuration;

/// <summary>A flag given on the command line and the configuration key it sets.</summary>
/// <param name="Flag">The flag, e.g. <c>--grpc-listen</c>.</param>
/// <param name="Key">The <see cref="BridgeOptions"/> key, e.g. <c>grpcListen</c>.</param>
/// <param name="Value">The value as text.</param>
public sealed record FlagSetting(string Flag, string Key, string Value);
