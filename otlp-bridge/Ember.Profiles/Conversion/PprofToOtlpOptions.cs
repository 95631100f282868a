using Ember.Profiles.Otlp;

namespace Ember.Profiles.Conversion;

/// <summary>What <see cref="PprofToOtlp"/> adds around the converted profiles.</summary>
public sealed class PprofToOtlpOptions
{
    /// <summary>Resource attributes to attach, e.g. <c>service.name</c>, <c>process.pid</c>.</summary>
    public List<KeyValue> ResourceAttributes { get; } = [];

    /// <summary>Instrumentation scope name; "ember" by default.</summary>
    public string ScopeName { get; set; } = "ember";

    /// <summary>Instrumentation scope version; the version of this library by default.</summary>
    public string ScopeVersion { get; set; } =
        typeof(PprofToOtlpOptions).Assembly.GetName().Version?.ToString(3) ?? string.Empty;

    /// <summary>
    /// The serialized pprof the profile was decoded from. When set it is kept as
    /// <c>original_payload</c> (format "pprof") on the first converted profile only, so a large
    /// payload is not repeated once per sample type on the wire.
    /// </summary>
    public byte[]? OriginalPayload { get; set; }
}
