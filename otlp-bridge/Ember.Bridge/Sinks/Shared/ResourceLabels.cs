using Ember.Profiles.Otlp;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// The series labels of an OTLP resource for label-based backends (Pyroscope, Parca):
/// <c>service_name</c> from <c>service.name</c>, falling back to <c>process.executable.name</c>, then
/// <c>unknown_service</c>; then every scalar resource attribute (string, int, bool, double) under its
/// sanitized name, in attribute order, the first of colliding names winning. Reserved (<c>__</c>) and
/// empty values are left out, and at most <see cref="MaxAttributeLabels"/> attributes are kept
/// (Pyroscope refuses series with more than 30 label names).
/// </summary>
public static class ResourceLabels
{
    /// <summary>Label holding the service.</summary>
    public const string ServiceNameLabel = "service_name";

    /// <summary>Attribute labels kept per series, leaving room for the sinks' own labels.</summary>
    public const int MaxAttributeLabels = 24;

    /// <summary>Service name when the resource names neither a service nor an executable.</summary>
    public const string UnknownService = "unknown_service";

    /// <summary>The resource's service name, with the fallbacks above.</summary>
    public static string ServiceName(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return StringAttribute(resource, SemanticConventions.ServiceName) ?? StringAttribute(resource, SemanticConventions.ProcessExecutableName) ?? UnknownService;
    }

    /// <summary><c>service_name</c> first, then the attribute labels.</summary>
    public static List<KeyValuePair<string, string>> For(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var labels = new List<KeyValuePair<string, string>> { new(ServiceNameLabel, ServiceName(resource)) };
        var taken = new HashSet<string>(StringComparer.Ordinal) { ServiceNameLabel };
        foreach (var attribute in resource.Attributes)
        {
            if (labels.Count > MaxAttributeLabels)
            {
                break;
            }

            if (attribute.Key == SemanticConventions.ServiceName || LabelNames.Sanitize(attribute.Key) is not { } name || LabelNames.IsReserved(name))
            {
                continue;
            }

            var value = attribute.Value.Kind is AnyValueKind.String or AnyValueKind.Int or AnyValueKind.Bool or AnyValueKind.Double
                ? attribute.Value.ToString()
                : "";
            if (value.Length > 0 && taken.Add(name))
            {
                labels.Add(new(name, value));
            }
        }

        return labels;
    }

    private static string? StringAttribute(Resource resource, string key) =>
        resource.Attributes.Find(a => a.Key == key)?.Value is { Kind: AnyValueKind.String, StringValue: { Length: > 0 } value } ? value : null;
}
