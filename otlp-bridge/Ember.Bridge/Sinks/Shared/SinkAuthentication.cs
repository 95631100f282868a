using System.Text;

namespace Ember.Bridge.Sinks.Shared;

/// <summary>
/// Outbound credentials from a sink's options: basic (<c>username</c> with <c>password</c> or
/// <c>password-file</c>) or bearer (<c>bearer-token-file</c>). The secret lives only in the header
/// value; <see cref="ToString"/> names the scheme and never the secret.
/// </summary>
public sealed class SinkAuthentication
{
    /// <summary>Option keys this type reads.</summary>
    public static readonly string[] OptionKeys = ["username", "password", "password-file", "bearer-token-file"];

    private SinkAuthentication(string scheme, string parameter)
    {
        Scheme = scheme;
        Parameter = parameter;
    }

    /// <summary><c>Basic</c> or <c>Bearer</c>.</summary>
    public string Scheme { get; }

    /// <summary>The encoded credentials; never log this.</summary>
    private string Parameter { get; }

    /// <summary>The Authorization header value (HTTP) or metadata value (gRPC).</summary>
    public string HeaderValue => Scheme + " " + Parameter;

    /// <summary>Reads the credentials, or null when none are configured.</summary>
    /// <exception cref="SinkConfigurationException">Options conflict, are incomplete, or a file cannot be read.</exception>
    public static SinkAuthentication? Read(SinkOptionReader options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var username = options.String("username");
        var inlinePassword = options.String("password");
        if (inlinePassword is not null && options.String("password-file") is not null)
        {
            throw options.Invalid("password", "set password or password-file, not both");
        }

        var password = inlinePassword ?? options.SecretFromFile("password-file");
        var token = options.SecretFromFile("bearer-token-file");
        if (token is not null && (username is not null || password is not null))
        {
            throw options.Invalid("bearer-token-file", "bearer and basic authentication cannot both be set");
        }

        if (token is not null)
        {
            return new SinkAuthentication("Bearer", token);
        }

        if (username is null && password is null)
        {
            return null;
        }

        if (username is null)
        {
            throw options.Invalid("username", "a password is set but no username");
        }

        if (username.Contains(':', StringComparison.Ordinal))
        {
            throw options.Invalid("username", "basic authentication user names cannot contain ':'");
        }

        return new SinkAuthentication("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + (password ?? ""))));
    }

    /// <summary>The scheme only, so logging the object cannot leak the secret.</summary>
    public override string ToString() => Scheme;
}
