using Ember.Agent.Kubernetes;
using Ember.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Agent.Tests.Kubernetes;

/// <summary>A <see cref="PodMetadataCache"/> for node-1 running against a <see cref="FakeKubernetesApi"/>.</summary>
internal sealed class PodCacheHarness : IAsyncDisposable
{
    public const string Node = "node-1";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();

    private PodCacheHarness(FakeKubernetesApi api, PodMetadataCache cache)
    {
        Api = api;
        Cache = cache;
        Run = cache.RunAsync(_stop.Token);
    }

    public FakeKubernetesApi Api { get; }

    public PodMetadataCache Cache { get; }

    public Task Run { get; }

    /// <summary>Starts the fake with <paramref name="existing"/> pods, then the cache, and waits for its first list.</summary>
    public static async Task<PodCacheHarness> StartAsync(params FakePod[] existing)
    {
        var api = await FakeKubernetesApi.StartAsync();
        foreach (var pod in existing)
        {
            api.Put(pod);
        }

        var cache = new PodMetadataCache(
            new KubernetesConnection(api.Address, token: FakeKubernetesApi.Token),
            Node,
            NullLogger.Instance,
            new ListWatchRetry(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)));
        var harness = new PodCacheHarness(api, cache);
        await cache.Synced.WaitAsync(Deadline);
        return harness;
    }

    /// <summary>Advances <paramref name="time"/> by a minute at a time, with a real moment in between for the cache to act, until <paramref name="condition"/> holds.</summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Waits until the cache has a watch open (so events sent now reach it).</summary>
    public Task WatchingAsync() => Eventually.HoldsAsync(() => Api.OpenWatches > 0, "the cache watches");

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(Deadline);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Cache.Dispose();
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
