using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ember.Agent.Kubernetes;

/// <summary>Where the Kubernetes API server is and how to authenticate to it.</summary>
public sealed class KubernetesConnection
{
    /// <summary>The service account directory every pod gets (token, ca.crt, namespace).</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly string? _token;
    private readonly string? _tokenFile;

    /// <summary>Creates a connection.</summary>
    /// <param name="server">The API server, e.g. <c>https://10.96.0.1:443</c>.</param>
    /// <param name="token">A fixed bearer token; null when <paramref name="tokenFile"/> or no token is used.</param>
    /// <param name="tokenFile">A file holding the bearer token, read again for every request because
    /// projected service account tokens are rotated by the kubelet (hourly).</param>
    /// <param name="certificateAuthority">The CA that signs the server's certificate; null trusts the system store.</param>
    public KubernetesConnection(Uri server, string? token = null, string? tokenFile = null, X509Certificate2Collection? certificateAuthority = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _token = token;
        _tokenFile = tokenFile;
        CertificateAuthority = certificateAuthority;
    }

    /// <summary>The API server's base address.</summary>
    public Uri Server { get; }

    /// <summary>The CA trusted for the server's certificate, or null for the system store.</summary>
    public X509Certificate2Collection? CertificateAuthority { get; }

    /// <summary>
    /// The in-cluster connection: <c>KUBERNETES_SERVICE_HOST</c>/<c>KUBERNETES_SERVICE_PORT</c>, the
    /// service account token and <c>ca.crt</c> from <paramref name="serviceAccountDirectory"/>.
    /// </summary>
    /// <exception cref="KubernetesApiException">Not running in a pod (variables or files missing).</exception>
    public static KubernetesConnection InCluster(string serviceAccountDirectory = ServiceAccountDirectory) =>
        InCluster(
            serviceAccountDirectory,
            Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"),
            Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT"));

    /// <summary>The in-cluster connection from explicit service variables (tests cannot set them per test).</summary>
    internal static KubernetesConnection InCluster(string serviceAccountDirectory, string? host, string? port)
    {
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubernetesApiException(
                "--kubernetes needs the in-cluster environment: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (is the agent running in a pod?)");
        }

        var tokenFile = Path.Combine(serviceAccountDirectory, "token");
        var caFile = Path.Combine(serviceAccountDirectory, "ca.crt");
        try
        {
            var ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(caFile);
            // IPv6 service addresses need brackets in a URI.
            var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
            return new KubernetesConnection(new Uri($"https://{authority}"), tokenFile: File.Exists(tokenFile) ? tokenFile : null, certificateAuthority: ca);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or UriFormatException)
        {
            throw new KubernetesApiException($"cannot read the service account in {serviceAccountDirectory}: {e.Message}", e);
        }
    }

    /// <summary>The bearer token for the next request, or null to send none.</summary>
    internal string? ReadToken() =>
        _tokenFile is null ? _token : File.ReadAllText(_tokenFile).Trim();

    /// <summary>An HTTP client for this server: its CA only, no overall timeout (watches stream for minutes).</summary>
    internal HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (CertificateAuthority is { Count: > 0 } ca)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // Cluster CAs publish no revocation lists.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(ca);
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Server, Timeout = Timeout.InfiniteTimeSpan };
    }
}
