using System.Security.Cryptography;
using System.Text;
using Ember.Bridge.Configuration;

namespace Ember.Bridge.Receiving;

/// <summary>
/// Checks <c>Authorization: Bearer TOKEN</c> against the token from <c>--auth-token-file</c>. Both
/// sides are hashed first and compared in constant time, so neither the token's content nor its
/// length leaks through timing. The token is never logged. With no token file every request passes.
/// </summary>
internal sealed class BearerTokenAuthenticator
{
    private readonly byte[]? _tokenHash;

    private BearerTokenAuthenticator(byte[]? tokenHash) => _tokenHash = tokenHash;

    /// <summary>Loads the token (surrounding whitespace ignored), or allows everything when <paramref name="tokenFile"/> is null.</summary>
    /// <exception cref="BridgeConfigurationException">The file cannot be read or is empty.</exception>
    public static BearerTokenAuthenticator Load(string? tokenFile)
    {
        if (tokenFile is null)
        {
            return new BearerTokenAuthenticator(null);
        }

        string token;
        try
        {
            token = File.ReadAllText(tokenFile).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BridgeConfigurationException($"--auth-token-file {tokenFile}: {ex.Message}", ex);
        }

        return token.Length == 0
            ? throw new BridgeConfigurationException($"--auth-token-file {tokenFile} is empty")
            : new BearerTokenAuthenticator(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>True when auth is off, or the header carries the right bearer token.</summary>
    public bool IsAuthorized(string? authorizationHeader)
    {
        if (_tokenHash is null)
        {
            return true;
        }

        const string Scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
