using System.Management.Automation;
using System.Net;
using System.Security;

namespace Ember.PowerShell.Commands;

/// <summary>
/// Base of the cmdlets that talk to a profile or debug-info store: the bearer token comes as a
/// <see cref="SecureString"/> or from a file (a mounted secret), never as a plain string on the command line.
/// </summary>
public abstract class StoreCmdlet : EmberCmdlet
{
    /// <summary>A token file larger than this is refused unread: it is not a token.</summary>
    private const int MaxTokenFileBytes = 64 * 1024;

    /// <summary>Bearer token for the Authorization header (<c>Read-Host -AsSecureString</c>, <c>Get-Secret</c>, <c>ConvertTo-SecureString</c>).</summary>
    [Parameter]
    public SecureString? BearerToken { get; set; }

    /// <summary>A file holding the bearer token, such as a mounted Kubernetes secret; surrounding whitespace is ignored.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BearerTokenFile { get; set; }

    /// <summary>The token in plain text, only to put it in a request header; null when none was given.</summary>
    /// <exception cref="ArgumentException">Both parameters were given, or the file is missing, unreadable, too large or empty.</exception>
    protected string? ResolveBearerToken()
    {
        if (BearerToken is not null && BearerTokenFile is not null)
        {
            throw new ArgumentException("give -BearerToken or -BearerTokenFile, not both");
        }

        if (BearerToken is not null)
        {
            return new NetworkCredential(string.Empty, BearerToken).Password;
        }

        if (BearerTokenFile is null)
        {
            return null;
        }

        var path = GetUnresolvedProviderPathFromPSPath(BearerTokenFile);
        try
        {
            if (new FileInfo(path).Length > MaxTokenFileBytes)
            {
                throw new ArgumentException($"-BearerTokenFile {path} is larger than {MaxTokenFileBytes / 1024} KiB: not a token");
            }

            var token = File.ReadAllText(path).Trim();
            return token.Length > 0 ? token : throw new ArgumentException($"-BearerTokenFile {path} is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"-BearerTokenFile {path} cannot be read: {e.Message}", e);
        }
    }
}
