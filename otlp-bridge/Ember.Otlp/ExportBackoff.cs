namespace Ember.Otlp;

/// <summary>
/// Exponential back-off with "equal jitter" for retryable export failures: retry n waits a random
/// time in [d/2, d] with d = min(initial · 2^(n−1), max), so clients that failed together spread
/// out; a server's hint (Retry-After, grpc-retry-pushback-ms, RetryInfo) is a lower bound and may
/// exceed max. Waits on the injected <see cref="TimeProvider"/>, so tests need no real sleeps.
/// </summary>
public sealed class ExportBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;

    /// <summary>Creates the policy.</summary>
    /// <param name="initial">Upper bound of the first wait; it doubles per retry.</param>
    /// <param name="max">Upper bound of any computed wait.</param>
    /// <param name="time">The clock waits run on.</param>
    /// <param name="jitter">A source of uniform values in [0, 1); <see cref="Random.Shared"/> when null.</param>
    public ExportBackoff(TimeSpan initial, TimeSpan max, TimeProvider time, Func<double>? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _initial = initial;
        _max = max;
        _time = time;
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan Delay(int retry, TimeSpan? serverHint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var ceiling = Math.Min(_initial.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)), _max.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(ceiling * (0.5 + (_jitter() * 0.5)));
        return serverHint is { } hint && hint > jittered ? hint : jittered;
    }

    /// <summary>Waits <paramref name="delay"/> on the policy's clock.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public Task WaitAsync(TimeSpan delay, CancellationToken cancellation) => Task.Delay(delay, _time, cancellation);
}
