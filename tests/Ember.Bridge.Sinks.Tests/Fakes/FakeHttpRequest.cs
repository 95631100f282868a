namespace Ember.Bridge.Sinks.Tests.Fakes;

/// <summary>One HTTP request that reached a fake, as it arrived on the wire.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path.</param>
/// <param name="Query">Query parameters, decoded.</param>
/// <param name="Headers">Request headers, names lower-cased.</param>
/// <param name="Body">The body as received (still compressed if it was).</param>
public sealed record FakeHttpRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
