namespace Ember.Bridge.Delivery;

/// <summary>
/// Exponential backoff with jitter: attempt n waits a random time in [d/2, d] where
/// d = min(initial * 2^n, max), so sinks coming back are not hit by every retry at once. A server's
/// Retry-After wins when it asks for longer.
/// </summary>
internal sealed class RetryBackoff(TimeSpan initial, TimeSpan max)
{
    /// <summary>How long to wait before attempt <paramref name="attempt"/> + 1.</summary>
    public TimeSpan Delay(int attempt, TimeSpan? retryAfter)
    {
        var ceiling = Math.Min(initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)), max.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5)));
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}
