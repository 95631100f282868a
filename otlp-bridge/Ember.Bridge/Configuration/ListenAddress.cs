using System.Globalization;
using System.Net;

namespace Ember.Bridge.Configuration;

/// <summary>A listener address as the flags take it: <c>127.0.0.1:4317</c>, <c>[::1]:4318</c>, <c>0.0.0.0:4317</c>, <c>localhost:4318</c>.</summary>
/// <param name="Host">An IP address, or <c>localhost</c>.</param>
/// <param name="Port">The TCP port; 0 lets the system choose (tests).</param>
public sealed record ListenAddress(string Host, int Port)
{
    /// <summary>Parses <c>HOST:PORT</c>.</summary>
    /// <exception cref="BridgeConfigurationException">Not HOST:PORT, or the host is neither an IP address nor localhost.</exception>
    public static ListenAddress Parse(string text, string flag)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new BridgeConfigurationException($"{flag} '{text}' is not HOST:PORT (for example 127.0.0.1:4317)");
        }

        var host = text[..colon].Trim('[', ']');
        if (!host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(host, out _))
        {
            throw new BridgeConfigurationException($"{flag} '{text}': '{host}' is not an IP address or localhost");
        }

        return new ListenAddress(host, port);
    }

    /// <summary>The address to bind; <c>localhost</c> binds the IPv4 loopback.</summary>
    public IPAddress IPAddress => Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(Host);

    /// <inheritdoc/>
    public override string ToString() => IPAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
