using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>
/// The Pyroscope sink's settings. Target: the server's base URL (a path prefix, e.g. behind a
/// reverse proxy, is kept). Options: the <see cref="SinkOptions"/> common to all sinks, plus
/// <c>protocol</c> (<c>otlp</c> | <c>push</c> | <c>ingest</c>) and <c>tenant</c> (<c>X-Scope-OrgID</c>).
/// </summary>
public sealed record PyroscopeSinkOptions : SinkOptions
{
    private PyroscopeSinkOptions(SinkOptionReader reader, Uri baseUrl, PyroscopeProtocol protocol, string? tenant)
        : base(reader)
    {
        BaseUrl = baseUrl;
        Protocol = protocol;
        Tenant = tenant;
    }

    /// <summary>The server's base URL, ending in '/'.</summary>
    public Uri BaseUrl { get; }

    /// <summary>OTLP, push or legacy ingest.</summary>
    public PyroscopeProtocol Protocol { get; }

    /// <summary>Tenant for <c>X-Scope-OrgID</c>; null for a single-tenant server.</summary>
    public string? Tenant { get; }

    /// <summary>Reads and checks the specification.</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid.</exception>
    public static PyroscopeSinkOptions Parse(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var reader = Reader(specification, "protocol", "tenant");
        var url = SinkTargets.HttpUrl(specification);
        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new SinkConfigurationException($"sink {specification.Name}: target '{specification.Target}': expected the server's base URL, without query or fragment", "target");
        }

        var baseUrl = url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
        var protocol = reader.Choice("protocol", "otlp", "otlp", "push", "ingest") switch
        {
            "otlp" => PyroscopeProtocol.Otlp,
            "push" => PyroscopeProtocol.Push,
            _ => PyroscopeProtocol.Ingest,
        };
        var tenant = reader.String("tenant");
        if (tenant is not null && !tenant.All(c => c > ' ' && c < 0x7f))
        {
            throw reader.Invalid("tenant", "tenant IDs are printable ASCII without spaces");
        }

        return new PyroscopeSinkOptions(reader, baseUrl, protocol, tenant);
    }

    /// <summary>A summary for the startup log, without secrets.</summary>
    public override string ToString() =>
        $"protocol {Protocol.ToString().ToLowerInvariant()}, tenant {Tenant ?? "none"}, auth {Authentication?.ToString() ?? "none"}";
}
