namespace Ember.Bridge.Sinks.Shared;

/// <summary>Parses sink targets (<c>http://host:port</c>, <c>host:port</c>) with errors naming <c>target</c>.</summary>
public static class SinkTargets
{
    /// <summary>An absolute http or https URL without credentials in it.</summary>
    /// <exception cref="SinkConfigurationException">The target is not such a URL.</exception>
    public static Uri HttpUrl(SinkSpecification specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        if (!Uri.TryCreate(specification.Target, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(specification, "expected an http:// or https:// URL");
        }

        // Credentials in the URL would end up in logs and metrics labels; they belong in options.
        return url.UserInfo.Length > 0 ? throw Invalid(specification, "put credentials in the username/password options, not in the URL") : url;
    }

    /// <summary>A <c>host:port</c> target as a URL with the given scheme.</summary>
    /// <exception cref="SinkConfigurationException">The target is not host:port.</exception>
    public static Uri HostAndPort(SinkSpecification specification, string scheme)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var target = specification.Target;
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || target.Contains('/', StringComparison.Ordinal) || target.Contains('@', StringComparison.Ordinal)
            || !int.TryParse(target.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535
            || !Uri.TryCreate(scheme + "://" + target, UriKind.Absolute, out var url))
        {
            throw Invalid(specification, "expected host:port, for example parca:7070");
        }

        return url;
    }

    private static SinkConfigurationException Invalid(SinkSpecification specification, string detail) =>
        new($"sink {specification.Name}: target '{WithoutCredentials(specification.Target)}': {detail}", "target");

    /// <summary>The target with any user:password@ part masked, for messages.</summary>
    private static string WithoutCredentials(string target)
    {
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        var at = target.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? (scheme >= 0 && scheme < at ? target[..(scheme + 3)] : "") + "***" + target[at..] : target;
    }
}
