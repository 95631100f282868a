namespace Ember.Agent.Export;

/// <summary>
/// Exponential back-off with jitter for transient export failures; a server's hint (Retry-After,
/// grpc-retry-pushback-ms) is a lower bound on the wait.
/// </summary>
/// <param name="MaxAttempts">Requests per window, the first included.</param>
/// <param name="InitialBackoff">Upper bound of the first wait; it doubles per attempt.</param>
/// <param name="MaxBackoff">Upper bound of any computed wait (a server hint may exceed it).</param>
public sealed record ExportRetryPolicy(int MaxAttempts, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    /// <summary>5 attempts, 1 s doubling up to 30 s: a window's retries fit well inside a minute or two.</summary>
    public static ExportRetryPolicy Default { get; } = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan Delay(int retry, TimeSpan? serverHint)
    {
        var ceiling = Math.Min(InitialBackoff.TotalMilliseconds * Math.Pow(2, retry - 1), MaxBackoff.TotalMilliseconds);

        // "Equal jitter": half fixed, half random, so agents that failed together spread out.
        var jittered = TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
        return serverHint is { } hint && hint > jittered ? hint : jittered;
    }
}
