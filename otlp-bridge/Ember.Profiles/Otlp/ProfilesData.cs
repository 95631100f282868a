namespace Ember.Profiles.Otlp;

/// <summary>
/// OTLP profiles (opentelemetry.proto.profiles.v1development.ProfilesData, proto v1.10/v1.11), with
/// the shared dictionary resolved into object references. The same model serves
/// <c>ExportProfilesServiceRequest</c>, which has the identical wire shape (fields 1 and 2).
/// Dictionary tables exist only inside the codecs: on write every reachable object is interned
/// by reference and every table starts with its zero element.
/// </summary>
public sealed class ProfilesData
{
    /// <summary>Profiles grouped by the resource (process, container, host) they describe.</summary>
    public List<ResourceProfiles> ResourceProfiles { get; } = [];

    /// <summary>Total number of profiles across all resources and scopes.</summary>
    public int ProfileCount => ResourceProfiles.Sum(r => r.ScopeProfiles.Sum(s => s.Profiles.Count));

    /// <summary>Total number of samples across all profiles.</summary>
    public long SampleCount => ResourceProfiles.Sum(r => r.ScopeProfiles.Sum(s => s.Profiles.Sum(p => (long)p.Samples.Count)));
}

/// <summary>Profiles of one resource.</summary>
public sealed class ResourceProfiles
{
    /// <summary>The resource (service.name, process.pid, container.id...).</summary>
    public Resource Resource { get; set; } = new();

    /// <summary>Profiles grouped by instrumentation scope.</summary>
    public List<ScopeProfiles> ScopeProfiles { get; } = [];

    /// <summary>Schema URL of the resource's attributes.</summary>
    public string SchemaUrl { get; set; } = string.Empty;
}

/// <summary>Profiles produced by one instrumentation scope.</summary>
public sealed class ScopeProfiles
{
    /// <summary>The producer (name, version, attributes).</summary>
    public InstrumentationScope Scope { get; set; } = new();

    /// <summary>The profiles, each with one sample type.</summary>
    public List<Profile> Profiles { get; } = [];

    /// <summary>Schema URL of the scope and its profiles.</summary>
    public string SchemaUrl { get; set; } = string.Empty;
}

/// <summary>An OTLP resource.</summary>
public sealed class Resource
{
    /// <summary>Resource attributes; <c>key_strindex</c>/<c>string_value_strindex</c> are resolved on read.</summary>
    public List<KeyValue> Attributes { get; } = [];

    /// <summary>Attributes the producer dropped.</summary>
    public uint DroppedAttributesCount { get; set; }

    /// <summary>Entity references.</summary>
    public List<EntityRef> EntityRefs { get; } = [];
}

/// <summary>A reference from a resource to an entity.</summary>
public sealed class EntityRef
{
    /// <summary>Schema URL of the entity.</summary>
    public string SchemaUrl { get; set; } = string.Empty;

    /// <summary>Entity type.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Attribute keys identifying the entity.</summary>
    public List<string> IdKeys { get; } = [];

    /// <summary>Attribute keys describing the entity.</summary>
    public List<string> DescriptionKeys { get; } = [];
}

/// <summary>An instrumentation scope.</summary>
public sealed class InstrumentationScope
{
    /// <summary>Scope name, e.g. the agent's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Scope version.</summary>
    public string Version { get; set; } = string.Empty;

    /// <summary>Scope attributes.</summary>
    public List<KeyValue> Attributes { get; } = [];

    /// <summary>Attributes the producer dropped.</summary>
    public uint DroppedAttributesCount { get; set; }
}
