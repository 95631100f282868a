using System.Collections.Concurrent;
using System.Diagnostics;
using Ember.Bridge.Sinks;
using Ember.Profiles.Otlp;

namespace Ember.Bridge.Tests.Hosting;

/// <summary>
/// A test sink: records every batch it accepts and can be told to fail (an outage) until a moment
/// or with a permanent error, so delivery, retries and set-aside can be observed from outside.
/// </summary>
public sealed class RecordingSink(string name = "recording") : IProfileSink
{
    private readonly ConcurrentQueue<ProfilesData> _delivered = new();
    private long _attempts;

    public string Name { get; } = name;

    /// <summary>Decides per attempt whether to fail; null or returning null means accept.</summary>
    public Func<ProfilesData, Exception?>? Failure { get; set; }

    public IReadOnlyList<ProfilesData> Delivered => [.. _delivered];

    public long Attempts => Interlocked.Read(ref _attempts);

    public Task DeliverAsync(ProfilesData profiles, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Failure?.Invoke(profiles) is { } failure)
        {
            throw failure;
        }

        _delivered.Enqueue(profiles);
        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="count"/> profiles were delivered; fails the test on timeout.</summary>
    public async Task WaitForProfilesAsync(int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (Delivered.Sum(d => d.ProfileCount) < count)
        {
            Assert.True(clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)), $"{Name}: {Delivered.Sum(d => d.ProfileCount)} of {count} profiles delivered in time");
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
