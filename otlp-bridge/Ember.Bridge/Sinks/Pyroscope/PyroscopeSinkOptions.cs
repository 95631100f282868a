using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Pyroscope;

/// <summary>
/// The Pyroscope sink's settings. Target: the server's base URL (a path prefix, e.g. behind a
/// reverse proxy, is kept). Options: <c>protocol</c> (<c>otlp</c> | <c>ingest</c>), <c>tenant</c>
/// (<c>X-Scope-OrgID</c>), <c>timeout</c> (seconds), <c>ca-file</c>, and
/// <c>username</c>/<c>password</c>/<c>password-file</c> or <c>bearer-token-file</c>.
/// </summary>
public sealed class PyroscopeSinkOptions
{
    private static readonly string[] Keys = ["protocol", "tenant", "timeout", .. SinkTls.OptionKeys, .. SinkAuthentication.OptionKeys];

    private PyroscopeSinkOptions(string name, Uri baseUrl, PyroscopeProtocol protocol, string? tenant, TimeSpan timeout, SinkTls tls, SinkAuthentication? authentication)
    {
        Name = name;
        BaseUrl = baseUrl;
        Protocol = protocol;
        Tenant = tenant;
        Timeout = timeout;
        Tls = tls;
        Authentication = authentication;
    }

    /// <summary>The sink's name.</summary>
    public string Name { get; }

    /// <summary>The server's base URL, ending in '/'.</summary>
    public Uri BaseUrl { get; }

    /// <summary>OTLP or legacy ingest.</summary>
    public PyroscopeProtocol Protocol { get; }

    /// <summary>Tenant for <c>X-Scope-OrgID</c>; null for a single-tenant server.</summary>
    public string? Tenant { get; }

    /// <summary>Deadline of one request (default 10 s).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Outbound TLS policy (owned by the sink).</summary>
    public SinkTls Tls { get; }

    /// <summary>Credentials, if configured.</summary>
    public SinkAuthentication? Authentication { get; }

    /// <summary>Reads and checks the specification.</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid.</exception>
    public static PyroscopeSinkOptions Parse(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var reader = new SinkOptionReader(specification, Keys);
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

        var timeout = reader.Seconds("timeout", TimeSpan.FromSeconds(10));
        var authentication = SinkAuthentication.Read(reader);
        return new PyroscopeSinkOptions(specification.Name, baseUrl, protocol, tenant, timeout, SinkTls.Read(reader), authentication);
    }

    /// <summary>A summary for the startup log, without secrets.</summary>
    public override string ToString() =>
        $"protocol {Protocol.ToString().ToLowerInvariant()}, tenant {Tenant ?? "none"}, auth {Authentication?.ToString() ?? "none"}";
}
