using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Parca;

/// <summary>
/// The Parca sink's settings. Target: <c>host:port</c> of Parca's gRPC port (7070 by default).
/// Options: <c>insecure</c> (<c>true</c> = plaintext h2c; default <c>false</c> = TLS), <c>ca-file</c>,
/// <c>bearer-token-file</c> (or <c>username</c>/<c>password</c>/<c>password-file</c> for a proxy in front),
/// <c>timeout</c> (seconds).
/// </summary>
public sealed class ParcaSinkOptions
{
    private static readonly string[] Keys = ["insecure", "timeout", .. SinkTls.OptionKeys, .. SinkAuthentication.OptionKeys];

    private ParcaSinkOptions(string name, Uri address, bool insecure, TimeSpan timeout, SinkTls tls, SinkAuthentication? authentication)
    {
        Name = name;
        Address = address;
        Insecure = insecure;
        Timeout = timeout;
        Tls = tls;
        Authentication = authentication;
    }

    /// <summary>The sink's name.</summary>
    public string Name { get; }

    /// <summary>The gRPC address: <c>http://host:port</c> when insecure, else <c>https://host:port</c>.</summary>
    public Uri Address { get; }

    /// <summary>True for plaintext HTTP/2 (h2c).</summary>
    public bool Insecure { get; }

    /// <summary>Deadline of one WriteRaw call (default 10 s).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Outbound TLS policy (owned by the sink).</summary>
    public SinkTls Tls { get; }

    /// <summary>Credentials, if configured.</summary>
    public SinkAuthentication? Authentication { get; }

    /// <summary>Reads and checks the specification.</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid.</exception>
    public static ParcaSinkOptions Parse(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var reader = new SinkOptionReader(specification, Keys);
        var insecure = reader.Boolean("insecure", false);
        if (insecure && reader.String("ca-file") is not null)
        {
            throw reader.Invalid("ca-file", "a CA file needs TLS; drop insecure=true");
        }

        var address = SinkTargets.HostAndPort(specification, insecure ? Uri.UriSchemeHttp : Uri.UriSchemeHttps);
        var timeout = reader.Seconds("timeout", TimeSpan.FromSeconds(10));
        var authentication = SinkAuthentication.Read(reader);
        return new ParcaSinkOptions(specification.Name, address, insecure, timeout, SinkTls.Read(reader), authentication);
    }

    /// <summary>A summary for the startup log, without secrets.</summary>
    public override string ToString() => $"{(Insecure ? "insecure h2c" : "TLS")}, auth {Authentication?.ToString() ?? "none"}";
}
