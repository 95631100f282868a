using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Otlp;
using Ember.Profiles.Tests.Oracle.Collector;
using Grpc.Net.Client;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>--tls-cert/--tls-key: both listeners speak TLS with the PEM certificate; plain HTTP is not served.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task Both_listeners_serve_over_TLS_with_the_given_certificate()
    {
        var directory = Directory.CreateTempSubdirectory("ember-tls-").FullName;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "tls.crt");
        var keyPath = Path.Combine(directory, "tls.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var sink = new RecordingSink();
        await using var bridge = await TestBridge.StartAsync(TestBridge.DefaultSettings() with { TlsCert = certPath, TlsKey = keyPath }, sink);
        var thumbprint = certificate.Thumbprint;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is X509Certificate2 c && c.Thumbprint == thumbprint;
        using var grpcHandler = new SocketsHttpHandler();
        grpcHandler.SslOptions.RemoteCertificateValidationCallback = handler.SslOptions.RemoteCertificateValidationCallback;

        Assert.Equal("https", bridge.Host.HttpEndpoint.Scheme);
        using var https = new HttpClient(handler, disposeHandler: false) { BaseAddress = bridge.Host.HttpEndpoint };
        using var content = new ByteArrayContent(OtlpCodec.Encode(TestProfiles.Cpu("over-tls")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await https.PostAsync("/v1development/profiles", content);
        using var channel = GrpcChannel.ForAddress(bridge.Host.GrpcEndpoint, new GrpcChannelOptions { HttpHandler = grpcHandler, DisposeHttpClient = false });
        await new ProfilesService.ProfilesServiceClient(channel).ExportAsync(ExportProfilesServiceRequest.Parser.ParseFrom(OtlpCodec.Encode(TestProfiles.Cpu("grpc-over-tls"))));
        using var plain = new HttpClient { BaseAddress = new Uri("http://" + bridge.Host.HttpEndpoint.Authority) };

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await sink.WaitForProfilesAsync(2);
        Assert.Equal(["grpc-over-tls", "over-tls"], sink.Delivered.SelectMany(TestProfiles.Services).Order());
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync("/healthz"));
    }
}
