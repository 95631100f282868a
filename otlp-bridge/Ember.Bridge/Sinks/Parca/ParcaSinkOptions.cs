using Ember.Bridge.Sinks.Shared;

namespace Ember.Bridge.Sinks.Parca;

/// <summary>
/// The Parca sink's settings. Target: <c>host:port</c> of Parca's gRPC port (7070 by default).
/// Options: the <see cref="SinkOptions"/> common to all sinks (a bearer token, or basic credentials
/// for a proxy in front), plus <c>insecure</c> (<c>true</c> = plaintext h2c; default <c>false</c> = TLS).
/// </summary>
public sealed record ParcaSinkOptions : SinkOptions
{
    private ParcaSinkOptions(SinkOptionReader reader, Uri address, bool insecure)
        : base(reader)
    {
        Address = address;
        Insecure = insecure;
    }

    /// <summary>The gRPC address: <c>http://host:port</c> when insecure, else <c>https://host:port</c>.</summary>
    public Uri Address { get; }

    /// <summary>True for plaintext HTTP/2 (h2c).</summary>
    public bool Insecure { get; }

    /// <summary>Reads and checks the specification.</summary>
    /// <exception cref="SinkConfigurationException">The target or an option is invalid.</exception>
    public static ParcaSinkOptions Parse(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var reader = Reader(specification, "insecure");
        var insecure = reader.Boolean("insecure", false);
        if (insecure && reader.String("ca-file") is not null)
        {
            throw reader.Invalid("ca-file", "a CA file needs TLS; drop insecure=true");
        }

        var address = SinkTargets.HostAndPort(specification, insecure ? Uri.UriSchemeHttp : Uri.UriSchemeHttps);
        return new ParcaSinkOptions(reader, address, insecure);
    }

    /// <summary>A summary for the startup log, without secrets.</summary>
    public override string ToString() => $"{(Insecure ? "insecure h2c" : "TLS")}, auth {Authentication?.ToString() ?? "none"}";
}
