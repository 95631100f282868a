using Microsoft.Extensions.Time.Testing;

namespace Ember.Otlp.Tests;

/// <summary>The shared back-off, with a scripted jitter source and a <see cref="FakeTimeProvider"/>: no real sleeps.</summary>
public sealed class ExportBackoffTests
{
    private static ExportBackoff Backoff(double jitter, TimeProvider? time = null) =>
        new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), time ?? new FakeTimeProvider(), () => jitter);

    [Theory]
    [InlineData(1, 500)]
    [InlineData(2, 1000)]
    [InlineData(3, 2000)]
    [InlineData(6, 15000)]
    [InlineData(7, 15000)]
    [InlineData(1000, 15000)]
    public void The_shortest_wait_is_half_the_doubling_ceiling(int retry, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Backoff(0).Delay(retry, null));

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(3, 4000)]
    [InlineData(6, 30000)]
    public void The_longest_wait_approaches_the_ceiling_capped_at_max(int retry, int ceilingMilliseconds)
    {
        var delay = Backoff(0.999999).Delay(retry, null);

        Assert.InRange(delay, TimeSpan.FromMilliseconds(ceilingMilliseconds * 0.999), TimeSpan.FromMilliseconds(ceilingMilliseconds));
    }

    [Fact]
    public void Jitter_spreads_waits_between_half_and_the_whole_ceiling() =>
        Assert.Equal(TimeSpan.FromMilliseconds(3000), Backoff(0.5).Delay(3, null));

    [Theory]
    [InlineData(1, 200, 500)]
    [InlineData(1, 800, 800)]
    [InlineData(6, 60000, 60000)]
    public void A_server_hint_is_a_lower_bound_even_beyond_max(int retry, int hintMilliseconds, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Backoff(0).Delay(retry, TimeSpan.FromMilliseconds(hintMilliseconds)));

    [Fact]
    public void Retries_are_counted_from_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff(0).Delay(0, null));

    [Fact]
    public async Task A_wait_ends_when_its_clock_reaches_the_delay_and_not_before()
    {
        var time = new FakeTimeProvider();
        var wait = Backoff(0, time).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait;
    }

    [Fact]
    public async Task A_wait_is_cancellable()
    {
        using var cancellation = new CancellationTokenSource();
        var wait = Backoff(0).WaitAsync(TimeSpan.FromMinutes(1), cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
