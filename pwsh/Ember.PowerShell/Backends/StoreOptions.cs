using System.Text;

namespace Ember.PowerShell.Backends;

/// <summary>How to reach and authenticate to a profile store.</summary>
/// <param name="Tenant">Pyroscope tenant (X-Scope-OrgID), or null.</param>
/// <param name="BearerToken">Sent as <c>Authorization: Bearer</c>, or null.</param>
/// <param name="Insecure">For a <c>host:port</c> gRPC address: plaintext (h2c) instead of TLS.</param>
public sealed record StoreOptions(string? Tenant = null, string? BearerToken = null, bool Insecure = false)
{
    /// <summary>The URI of a gRPC address: a URL as given, <c>host:port</c> as https (http with <see cref="Insecure"/>).</summary>
    /// <exception cref="ArgumentException">The address is neither.</exception>
    public Uri GrpcAddress(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var text = address.Contains("://", StringComparison.Ordinal) ? address : (Insecure ? "http://" : "https://") + address;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"'{address}' is not a host:port or http(s) URL", nameof(address));
    }

    /// <summary>Redacts the token, so the record's text (a log line, an error message) never shows it.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Tenant = ").Append(Tenant ?? "null")
            .Append(", BearerToken = ").Append(BearerToken is null ? "null" : "(redacted)")
            .Append(", Insecure = ").Append(Insecure);
        return true;
    }
}
