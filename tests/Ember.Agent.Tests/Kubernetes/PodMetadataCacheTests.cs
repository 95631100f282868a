using Ember.Agent.Kubernetes;
using Ember.Agent.Processes;
using Ember.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Ember.Agent.Tests.Kubernetes;

public class PodMetadataCacheTests
{
    private const string ShopUid = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
    private const string BatchUid = "1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e";
    private const string OtherNodeUid = "2c3d4e5f-6a7b-8c9d-0e1f-2a3b4c5d6e7f";

    /// <summary>Retry delays on a fake clock the retry tests advance, so no test waits on a real timer.</summary>
    private static readonly ListWatchRetry RetryEverySecond = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private static readonly string CheckoutId = new('a', 64);
    private static readonly string SidecarId = new('b', 64);
    private static readonly string MigrateId = new('c', 64);
    private static readonly string DebugId = new('d', 64);
    private static readonly string BatchId = new('e', 64);
    private static readonly string OtherNodeId = new('f', 64);

    private static FakePod Shop => new("shop", "checkout-7d9f", ShopUid, PodCacheHarness.Node)
    {
        Containers = [new("checkout", "containerd://" + CheckoutId), new("envoy", "docker://" + SidecarId)],
        InitContainers = [new("migrate", "cri-o://" + MigrateId)],
        EphemeralContainers = [new("debugger", "containerd://" + DebugId)],
    };

    private static FakePod Batch => new("batch", "report-28f1", BatchUid, PodCacheHarness.Node)
    {
        Containers = [new("report", "containerd://" + BatchId)],
    };

    private static FakePod OnOtherNode => new("shop", "checkout-on-node-2", OtherNodeUid, "node-2")
    {
        Containers = [new("checkout", "containerd://" + OtherNodeId)],
    };

    private static ContainerIdentity Identity(string containerId, string? podUid = null) => new(containerId, "containerd", podUid);

    [Fact]
    public async Task Pods_listed_at_start_are_known()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop, Batch);

        Assert.Equal(2, k8s.Cache.PodCount);
        Assert.Equal(new PodContainer(new PodMetadata("shop", "checkout-7d9f", ShopUid), "checkout"), k8s.Cache.Find(Identity(CheckoutId)));
        Assert.Equal(new PodContainer(new PodMetadata("batch", "report-28f1", BatchUid), "report"), k8s.Cache.Find(Identity(BatchId)));
    }

    [Theory]
    [InlineData("containerd", 'a', "checkout")]
    [InlineData("docker", 'b', "envoy")]
    [InlineData("cri-o", 'c', "migrate")]
    [InlineData("containerd", 'd', "debugger")]
    public async Task Container_ids_of_every_runtime_and_container_kind_map_to_their_pod_and_container(string runtime, char idDigit, string containerName)
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);

        var found = k8s.Cache.Find(new ContainerIdentity(new string(idDigit, 64), runtime, ShopUid));

        Assert.Equal(new PodContainer(new PodMetadata("shop", "checkout-7d9f", ShopUid), containerName), found);
    }

    [Fact]
    public async Task A_pod_added_later_becomes_known()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();

        k8s.Api.Send("ADDED", Batch);

        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId)) is not null, "the added pod is known");
        Assert.Equal("report", k8s.Cache.Find(Identity(BatchId))!.ContainerName);
    }

    [Fact]
    public async Task A_container_that_starts_later_becomes_known_through_MODIFIED()
    {
        var pending = Batch with { Containers = [new("report", "")] };
        await using var k8s = await PodCacheHarness.StartAsync(pending);
        await k8s.WatchingAsync();
        Assert.Null(k8s.Cache.Find(Identity(BatchId))?.ContainerName);

        k8s.Api.Send("MODIFIED", Batch);

        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId))?.ContainerName == "report", "the started container is known");
    }

    [Fact]
    public async Task A_deleted_pod_is_forgotten()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop, Batch);
        await k8s.WatchingAsync();

        k8s.Api.Send("DELETED", Batch);

        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId, BatchUid)) is null, "the deleted pod is forgotten");
        Assert.Equal(1, k8s.Cache.PodCount);
        Assert.NotNull(k8s.Cache.Find(Identity(CheckoutId)));
    }

    [Fact]
    public async Task A_watch_answered_410_Gone_lists_again()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();

        // The pod appears while the agent misses events; only a new list can reveal it.
        k8s.Api.Put(Batch);
        k8s.Api.CompactHistory();

        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId)) is not null, "the relist finds the pod");
        Assert.True(k8s.Api.ListRequests >= 2);
    }

    [Fact]
    public async Task A_410_error_event_in_the_watch_stream_lists_again()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();

        k8s.Api.Put(Batch);
        k8s.Api.SendGoneEvent();

        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId)) is not null, "the relist finds the pod");
        Assert.True(k8s.Api.ListRequests >= 2);
    }

    [Fact]
    public async Task A_closed_watch_stream_is_watched_again_from_the_last_resource_version()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();
        k8s.Api.SendBookmark();
        var bookmark = k8s.Api.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.HoldsAsync(() => k8s.Api.WatchRequests >= 1, "the first watch");

        k8s.Api.CloseWatches();

        await Eventually.HoldsAsync(() => k8s.Api.WatchRequests >= 2 && k8s.Api.OpenWatches > 0, "the cache watches again");
        Assert.Equal(bookmark, k8s.Api.Requests.Last(r => r.IsWatch).Query["resourceVersion"]);
        Assert.Equal(1, k8s.Api.ListRequests);

        k8s.Api.Send("ADDED", Batch);
        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId)) is not null, "the new watch delivers events");
    }

    [Fact]
    public async Task A_failing_api_server_is_retried_until_it_answers()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put(Shop);
        api.FailNextRequests(3);
        var time = new FakeTimeProvider();
        using var cache = new PodMetadataCache(
            new KubernetesConnection(api.Address, token: FakeKubernetesApi.Token),
            PodCacheHarness.Node,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            RetryEverySecond,
            time);
        using var stop = new CancellationTokenSource();
        var run = cache.RunAsync(stop.Token);

        await PodCacheHarness.AdvanceUntilAsync(time, () => cache.Synced.IsCompleted, "the fourth list succeeds");

        Assert.NotNull(cache.Find(Identity(CheckoutId)));
        Assert.True(api.ListRequests >= 4);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Cancelling_stops_the_watch_without_an_exception()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();

        await k8s.StopAsync();

        Assert.True(k8s.Run.IsCompletedSuccessfully);
        await Eventually.HoldsAsync(() => k8s.Api.OpenWatches == 0, "the watch stream is closed");
    }

    [Fact]
    public async Task A_process_known_only_by_its_pod_uid_gets_the_pod_without_a_container_name()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        var pauseContainer = new string('0', 64);

        var found = k8s.Cache.Find(new ContainerIdentity(pauseContainer, null, ShopUid));

        Assert.Equal(new PodContainer(new PodMetadata("shop", "checkout-7d9f", ShopUid), null), found);
        Assert.Null(k8s.Cache.Find(new ContainerIdentity(pauseContainer, null, null)));
        Assert.Null(k8s.Cache.Find(null));
    }

    [Fact]
    public async Task Every_request_carries_the_bearer_token()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);
        await k8s.WatchingAsync();

        Assert.NotEmpty(k8s.Api.Requests);
        Assert.All(k8s.Api.Requests, r => Assert.Equal("Bearer " + FakeKubernetesApi.Token, r.Authorization));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_no_pods_are_known()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put(Shop);
        var time = new FakeTimeProvider();
        using var cache = new PodMetadataCache(
            new KubernetesConnection(api.Address, token: "not-the-token"),
            PodCacheHarness.Node,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            RetryEverySecond,
            time);
        using var stop = new CancellationTokenSource();
        var run = cache.RunAsync(stop.Token);

        await PodCacheHarness.AdvanceUntilAsync(time, () => api.ListRequests >= 2, "the cache retries");

        Assert.False(cache.Synced.IsCompleted);
        Assert.Equal(0, cache.PodCount);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Pods_of_other_nodes_are_never_seen_because_every_request_selects_this_node()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop, OnOtherNode);
        await k8s.WatchingAsync();

        k8s.Api.Send("MODIFIED", OnOtherNode);
        k8s.Api.Send("ADDED", Batch);
        await Eventually.HoldsAsync(() => k8s.Cache.Find(Identity(BatchId)) is not null, "the node-1 event arrives");

        Assert.Null(k8s.Cache.Find(Identity(OtherNodeId, OtherNodeUid)));
        Assert.Equal(2, k8s.Cache.PodCount);
        Assert.All(k8s.Api.Requests, r => Assert.Equal("spec.nodeName=node-1", r.Query["fieldSelector"]));
    }

    [Fact]
    public async Task Resource_attributes_are_exactly_the_semconv_keys()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);

        var attributes = k8s.Cache.ResourceAttributes(Identity(SidecarId, ShopUid));

        Assert.Equal(
            [
                new("k8s.node.name", "node-1"),
                new("k8s.namespace.name", "shop"),
                new("k8s.pod.name", "checkout-7d9f"),
                new("k8s.pod.uid", ShopUid),
                new("k8s.container.name", "envoy"),
            ],
            attributes);
    }

    [Fact]
    public async Task Resource_attributes_outside_a_pod_are_only_the_node_name()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop);

        Assert.Equal([new("k8s.node.name", "node-1")], k8s.Cache.ResourceAttributes(null));
        Assert.Equal([new("k8s.node.name", "node-1")], k8s.Cache.ResourceAttributes(Identity(new string('9', 64))));
        Assert.DoesNotContain(
            k8s.Cache.ResourceAttributes(Identity(new string('9', 64), ShopUid)),
            a => a.Key == "k8s.container.name");
    }

    [Fact]
    public async Task The_namespace_filter_keeps_only_processes_in_pods_of_the_given_namespaces()
    {
        await using var k8s = await PodCacheHarness.StartAsync(Shop, Batch);
        var onlyShop = new PodNamespaceFilter(k8s.Cache, ["shop"]);
        var everything = new PodNamespaceFilter(k8s.Cache, []);

        Assert.True(onlyShop.ShouldProfile(Identity(CheckoutId)));
        Assert.True(onlyShop.ShouldProfile(Identity(new string('0', 64), ShopUid)));
        Assert.False(onlyShop.ShouldProfile(Identity(BatchId)));
        Assert.False(onlyShop.ShouldProfile(null));
        Assert.False(onlyShop.ShouldProfile(Identity(new string('9', 64))));
        Assert.True(everything.ShouldProfile(null));
        Assert.True(everything.ShouldProfile(Identity(BatchId)));
    }
}
