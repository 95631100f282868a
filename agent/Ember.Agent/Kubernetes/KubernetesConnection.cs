using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;
using k8s.Exceptions;

namespace Ember.Agent.Kubernetes;

/// <summary>Where the Kubernetes API server is and how to authenticate to it.</summary>
public sealed class KubernetesConnection
{
    /// <summary>The service account directory every pod gets (token, ca.crt, namespace).</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly string? _token;
    private readonly string? _tokenFile;
    private readonly ITokenProvider? _tokenProvider;

    /// <summary>Creates a connection.</summary>
    /// <param name="server">The API server, e.g. <c>https://10.96.0.1:443</c>.</param>
    /// <param name="token">A fixed bearer token; null when <paramref name="tokenFile"/> or no token is used.</param>
    /// <param name="tokenFile">A file holding the bearer token, read again for every request because
    /// projected service account tokens are rotated by the kubelet (hourly).</param>
    /// <param name="certificateAuthority">The CA that signs the server's certificate; null trusts the system store.</param>
    /// <param name="clientCertificate">A client certificate with its key (kubeconfig users of kind, kubeadm), or null.</param>
    public KubernetesConnection(
        Uri server,
        string? token = null,
        string? tokenFile = null,
        X509Certificate2Collection? certificateAuthority = null,
        X509Certificate2? clientCertificate = null)
        : this(server, token, tokenFile, null, certificateAuthority, clientCertificate)
    {
    }

    private KubernetesConnection(
        Uri server,
        string? token,
        string? tokenFile,
        ITokenProvider? tokenProvider,
        X509Certificate2Collection? certificateAuthority,
        X509Certificate2? clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _token = token;
        _tokenFile = tokenFile;
        _tokenProvider = tokenProvider;
        CertificateAuthority = certificateAuthority;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The API server's base address.</summary>
    public Uri Server { get; }

    /// <summary>The CA trusted for the server's certificate, or null for the system store.</summary>
    public X509Certificate2Collection? CertificateAuthority { get; }

    /// <summary>The client certificate presented to the server, or null.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>
    /// The connection for <c>run --kubernetes</c>: <paramref name="kubeconfigPath"/> when given; else
    /// in-cluster when <c>KUBERNETES_SERVICE_HOST</c> is set (the DaemonSet); else <c>$KUBECONFIG</c>
    /// or <c>~/.kube/config</c> when present (running from a workstation or a node shell).
    /// </summary>
    /// <exception cref="KubernetesApiException">None of them is usable.</exception>
    public static KubernetesConnection Discover(string? kubeconfigPath = null)
    {
        if (!string.IsNullOrEmpty(kubeconfigPath))
        {
            return FromKubeconfig(kubeconfigPath);
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
        {
            return InCluster();
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(File.Exists);
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return fromEnvironment is not null ? FromKubeconfig(fromEnvironment)
            : File.Exists(home) ? FromKubeconfig(home)
            : InCluster();
    }

    /// <summary>
    /// The connection a kubeconfig file describes (for running outside a pod): its current context, or
    /// <paramref name="context"/>; the cluster's server and CA; the user's token, token provider
    /// (exec plugins) or client certificate. Parsed by <c>KubernetesClient.Aot</c>.
    /// </summary>
    /// <exception cref="KubernetesApiException">The file is missing or invalid, or names an unknown context.</exception>
    public static KubernetesConnection FromKubeconfig(string path, string? context = null)
    {
        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
            var clientCertificate = ClientCertificateOf(config);
            return new KubernetesConnection(
                new Uri(config.Host), config.AccessToken, null, config.TokenProvider, config.SslCaCerts, clientCertificate);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or CryptographicException or UriFormatException or FormatException)
        {
            throw new KubernetesApiException($"cannot use the kubeconfig {path}: {e.Message}", e);
        }
    }

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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or UriFormatException)
        {
            throw new KubernetesApiException($"cannot read the service account in {serviceAccountDirectory}: {e.Message}", e);
        }
    }

    private static X509Certificate2? ClientCertificateOf(KubernetesClientConfiguration config)
    {
        // kubeconfig holds PEM, inline (base64 of the PEM text) or in files.
        var certificatePem = config.ClientCertificateData is { } certificateData ? DecodeBase64Text(certificateData)
            : config.ClientCertificateFilePath is { } certificateFile ? File.ReadAllText(certificateFile)
            : null;
        var keyPem = config.ClientCertificateKeyData is { } keyData ? DecodeBase64Text(keyData)
            : config.ClientKeyFilePath is { } keyFile ? File.ReadAllText(keyFile)
            : null;
        if (certificatePem is null || keyPem is null)
        {
            return null;
        }

        // A PKCS#12 round trip gives a key TLS can use on every platform, not an ephemeral one.
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static string DecodeBase64Text(string base64) => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    /// <summary>The Authorization header for the next request, or null to send none.</summary>
    internal async ValueTask<AuthenticationHeaderValue?> AuthorizationAsync(CancellationToken cancellationToken)
    {
        if (_tokenProvider is not null)
        {
            return await _tokenProvider.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        var token = _tokenFile is null
            ? _token
            : (await File.ReadAllTextAsync(_tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        return string.IsNullOrEmpty(token) ? null : new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>An HTTP client for this server: its CA only, no overall timeout (watches stream for minutes).</summary>
    internal HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate];
        }

        if (CertificateAuthority is { Count: > 0 } ca)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // Cluster CAs publish no revocation lists.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(ca);
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Server, Timeout = Timeout.InfiniteTimeSpan };
    }
}
