namespace Ember.Agent.Kubernetes;

/// <summary>How long the pod watch waits before retrying a failed list or watch (doubling up to <see cref="Max"/>).</summary>
/// <param name="Initial">The first delay.</param>
/// <param name="Max">The longest delay.</param>
public sealed record ListWatchRetry(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>1 s doubling to 30 s: quick after a blip, gentle on an API server that is down.</summary>
    public static ListWatchRetry Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>The delay after <paramref name="current"/>.</summary>
    public TimeSpan Next(TimeSpan current) => current * 2 > Max ? Max : current * 2;
}
