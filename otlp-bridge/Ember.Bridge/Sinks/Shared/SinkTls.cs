using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Outbound TLS: the system trust store by default, or only the CA certificates of the
/// <c>ca-file</c> option (PEM) for servers with a private CA. Host names are always checked.
/// Owns the loaded certificates; dispose it with the sink.
/// </summary>
public sealed class SinkTls : IDisposable
{
    /// <summary>Option keys this type reads.</summary>
    public static readonly string[] OptionKeys = ["ca-file"];

    private readonly X509Certificate2Collection? _trustedRoots;

    private SinkTls(X509Certificate2Collection? trustedRoots) => _trustedRoots = trustedRoots;

    /// <summary>Reads <c>ca-file</c>, when set.</summary>
    /// <exception cref="SinkConfigurationException">The file cannot be read or holds no certificate.</exception>
    public static SinkTls Read(SinkOptionReader options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.String("ca-file");
        if (path is null)
        {
            return new SinkTls(null);
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SinkConfigurationException($"sink {options.SinkName}: read ca-file '{path}': {ex.Message}", "ca-file", ex);
        }

        return roots.Count > 0 ? new SinkTls(roots) : throw options.Invalid("ca-file", $"'{path}' holds no PEM certificate");
    }

    /// <summary>An HTTP handler with this TLS policy (and no automatic retries or redirects).</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            // Re-resolve DNS now and then: backends behind a Service or load balancer move.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (_trustedRoots is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = ValidateAgainstCustomRoots;
        }

        return handler;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var certificate in _trustedRoots ?? [])
        {
            certificate.Dispose();
        }
    }

    private bool ValidateAgainstCustomRoots(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // The name must match and a certificate must be present whatever the trust anchor is.
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedRoots!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
