using Ember.Bridge.Sinks;

namespace Ember.Bridge.Sinks.Tests;

/// <summary>Builds sink specifications the way the bridge's configuration would.</summary>
public static class Specs
{
    /// <summary>A specification named KIND-test with the given options.</summary>
    public static SinkSpecification Of(string kind, string target, params (string Key, string Value)[] options) =>
        new(kind, target, kind + "-test", options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal));

    /// <summary>A file with the given content under a fresh temporary directory (for secret-file options).</summary>
    public static string TempFile(string content)
    {
        var directory = Directory.CreateTempSubdirectory("ember-sinks-");
        var path = Path.Combine(directory.FullName, "secret");
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A loopback port nothing listens on (bound, read, released).</summary>
    public static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
