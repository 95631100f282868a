using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ember.Agent.Kubernetes;

namespace Ember.Agent.Tests.Kubernetes;

public sealed class KubernetesConnectionTests : IDisposable
{
    private readonly DirectoryInfo _serviceAccount = Directory.CreateTempSubdirectory("ember-sa-");

    public void Dispose() => _serviceAccount.Delete(recursive: true);

    [Fact]
    public async Task In_cluster_config_trusts_the_service_account_ca_and_sends_its_token()
    {
        using var ca = ClusterCa();
        using var serverCertificate = ServerCertificate(ca);
        await using var api = await FakeKubernetesApi.StartAsync(serverCertificate);
        api.Put(new FakePod("shop", "checkout", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "node-1"));
        await File.WriteAllTextAsync(Path.Combine(_serviceAccount.FullName, "ca.crt"), ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_serviceAccount.FullName, "token"), FakeKubernetesApi.Token + "\n");

        var connection = KubernetesConnection.InCluster(_serviceAccount.FullName, "127.0.0.1", api.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var client = new PodApiClient(connection, "node-1");
        var list = await client.ListAsync(CancellationToken.None);

        Assert.Equal(new Uri($"https://127.0.0.1:{api.Address.Port}"), connection.Server);
        Assert.Equal("checkout", Assert.Single(list.Items!).Metadata!.Name);
        Assert.Equal("Bearer " + FakeKubernetesApi.Token, Assert.Single(api.Requests).Authorization);
    }

    [Fact]
    public async Task A_server_certificate_not_signed_by_the_cluster_ca_is_refused()
    {
        using var ca = ClusterCa();
        using var otherCa = ClusterCa();
        using var serverCertificate = ServerCertificate(otherCa);
        await using var api = await FakeKubernetesApi.StartAsync(serverCertificate);
        var connection = new KubernetesConnection(api.Address, token: FakeKubernetesApi.Token, certificateAuthority: [X509CertificateLoader.LoadCertificate(ca.RawData)]);
        using var client = new PodApiClient(connection, "node-1");

        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListAsync(CancellationToken.None));
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task The_token_file_is_read_again_for_every_request_because_the_kubelet_rotates_it()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        var tokenFile = Path.Combine(_serviceAccount.FullName, "token");
        await File.WriteAllTextAsync(tokenFile, "expired-token");
        using var client = new PodApiClient(new KubernetesConnection(api.Address, tokenFile: tokenFile), "node-1");

        var refused = await Assert.ThrowsAsync<KubernetesApiException>(() => client.ListAsync(CancellationToken.None));
        await File.WriteAllTextAsync(tokenFile, FakeKubernetesApi.Token);
        var list = await client.ListAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.NotNull(list.Metadata?.ResourceVersion);
    }

    [Fact]
    public async Task A_kubeconfig_gives_the_server_its_ca_and_the_token_of_the_current_context()
    {
        using var ca = ClusterCa();
        using var serverCertificate = ServerCertificate(ca);
        await using var api = await FakeKubernetesApi.StartAsync(serverCertificate);
        api.Put(new FakePod("shop", "checkout", "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "node-1"));
        var kubeconfig = Path.Combine(_serviceAccount.FullName, "config");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: elsewhere
              cluster:
                server: https://192.0.2.1:6443
            - name: local
              cluster:
                server: {api.Address.ToString().TrimEnd('/')}
                certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()))}
            users:
            - name: agent
              user:
                token: {FakeKubernetesApi.Token}
            contexts:
            - name: wrong
              context:
                cluster: elsewhere
                user: agent
            - name: agent@local
              context:
                cluster: local
                user: agent
            current-context: agent@local
            """);

        var connection = KubernetesConnection.FromKubeconfig(kubeconfig);
        using var client = new PodApiClient(connection, "node-1");
        var list = await client.ListAsync(CancellationToken.None);

        Assert.Equal("checkout", Assert.Single(list.Items!).Metadata!.Name);
        Assert.Equal("Bearer " + FakeKubernetesApi.Token, Assert.Single(api.Requests).Authorization);
    }

    [Fact]
    public async Task A_kubeconfig_user_with_a_client_certificate_presents_it_with_its_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=agent,O=system:masters", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        static string Base64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));
        var kubeconfig = Path.Combine(_serviceAccount.FullName, "config");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: kind
              cluster:
                server: https://127.0.0.1:6443
            users:
            - name: admin
              user:
                client-certificate-data: {Base64(certificate.ExportCertificatePem())}
                client-key-data: {Base64(key.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: kind
              context:
                cluster: kind
                user: admin
            current-context: kind
            """);

        var connection = KubernetesConnection.Discover(kubeconfig);

        Assert.NotNull(connection.ClientCertificate);
        Assert.True(connection.ClientCertificate.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, connection.ClientCertificate.Thumbprint);
        Assert.Equal(new Uri("https://127.0.0.1:6443"), connection.Server);
    }

    [Fact]
    public void A_missing_kubeconfig_is_a_kubernetes_error_keeping_its_cause()
    {
        var error = Assert.Throws<KubernetesApiException>(() => KubernetesConnection.FromKubeconfig(Path.Combine(_serviceAccount.FullName, "absent")));

        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void In_cluster_config_outside_a_pod_names_the_missing_variables()
    {
        var error = Assert.Throws<KubernetesApiException>(() => KubernetesConnection.InCluster(_serviceAccount.FullName, null, null));

        Assert.Contains("KUBERNETES_SERVICE_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_cluster_config_without_a_ca_file_keeps_the_io_error()
    {
        var error = Assert.Throws<KubernetesApiException>(() => KubernetesConnection.InCluster(_serviceAccount.FullName, "10.96.0.1", "443"));

        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    private static X509Certificate2 ClusterCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>The API server's certificate: for 127.0.0.1, signed by <paramref name="ca"/>, loaded with its key as Kestrel wants it.</summary>
    private static X509Certificate2 ServerCertificate(X509Certificate2 ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var signed = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
