using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>A self-signed certificate for localhost and 127.0.0.1: the private CA of the TLS tests.</summary>
public static class TestCertificate
{
    /// <summary>Creates the certificate (with its key) and writes its PEM to a temporary file for <c>ca-file</c>.</summary>
    public static (X509Certificate2 Certificate, string CaFile) Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the key is usable by the TLS stack.
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        return (certificate, Specs.TempFile(certificate.ExportCertificatePem()));
    }
}
