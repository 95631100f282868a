using System.Text.Json;
using Ember.Agent.Processes;
using Ember.Profiles.Otlp;
using Microsoft.Extensions.Logging;

namespace Ember.Agent.Kubernetes;

/// <summary>
/// The pods of this node, kept current by a list then watch of the API server
/// (<c>fieldSelector=spec.nodeName=NODE</c>), and the Kubernetes resource attributes of a process's
/// container. Start it with <see cref="RunAsync"/>; lookups are lock-free and safe from any thread.
/// </summary>
public sealed class PodMetadataCache : IDisposable
{
    private readonly PodApiClient _api;
    private readonly ILogger _logger;
    private readonly ListWatchRetry _retry;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Owned by the list/watch loop only; every change republishes _index.
    private readonly Dictionary<string, PodJson> _pods = new(StringComparer.Ordinal);
    private PodIndex _index = PodIndex.Empty;

    /// <summary>Creates the cache; nothing is requested until <see cref="RunAsync"/>.</summary>
    /// <param name="connection">The API server.</param>
    /// <param name="nodeName">This node (see <see cref="Kubernetes.NodeName.Resolve"/>).</param>
    /// <param name="logger">Where list/watch progress and failures go.</param>
    /// <param name="retry">Retry delays; <see cref="ListWatchRetry.Default"/> when null.</param>
    /// <param name="time">The clock retry delays run on; the system clock when null.</param>
    public PodMetadataCache(KubernetesConnection connection, string nodeName, ILogger logger, ListWatchRetry? retry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        ArgumentNullException.ThrowIfNull(logger);
        NodeName = nodeName;
        _logger = logger;
        _retry = retry ?? ListWatchRetry.Default;
        _time = time ?? TimeProvider.System;
        _api = new PodApiClient(connection, nodeName);
    }

    /// <summary>The node whose pods are watched (<c>k8s.node.name</c>).</summary>
    public string NodeName { get; }

    /// <summary>How many pods are known now.</summary>
    public int PodCount => Volatile.Read(ref _index).PodCount;

    /// <summary>Completes once the first list has been loaded.</summary>
    public Task Synced => _synced.Task;

    /// <summary>
    /// Lists, then watches, until <paramref name="cancellationToken"/> is cancelled: a closed stream
    /// is watched again from the last resource version, 410 Gone lists again, other failures retry
    /// with backoff. Returns (without throwing) when cancelled.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = _retry.Initial;
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                    delay = _retry.Initial;
                }

                var (lastVersion, events) = await WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
                resourceVersion = lastVersion;
                KubernetesLog.WatchEnded(_logger, resourceVersion);
                if (events > 0)
                {
                    delay = _retry.Initial;
                    continue;
                }

                // A stream that closes at once with nothing in it must not become a busy loop.
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = _retry.Next(delay);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (KubernetesApiException e) when (e.IsResourceVersionExpired)
            {
                KubernetesLog.WatchExpired(_logger);
                resourceVersion = null;
            }
            catch (Exception e) when (e is KubernetesApiException or HttpRequestException or IOException or JsonException or UnauthorizedAccessException)
            {
                KubernetesLog.ListWatchFailed(_logger, e, delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = _retry.Next(delay);
            }
        }
    }

    /// <summary>The pod (and container, when its ID is known) of a process; null outside any known pod.</summary>
    public PodContainer? Find(ContainerIdentity? container) =>
        container is null ? null : Volatile.Read(ref _index).Find(container.ContainerId, container.PodUid);

    /// <summary>
    /// The resource attributes for a process: <c>k8s.node.name</c> always, and for a process in a known
    /// pod <c>k8s.namespace.name</c>, <c>k8s.pod.name</c>, <c>k8s.pod.uid</c> and, when its container
    /// is known, <c>k8s.container.name</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes(ContainerIdentity? container)
    {
        var attributes = new List<KeyValuePair<string, string>>(5) { new(SemanticConventions.K8sNodeName, NodeName) };
        if (Find(container) is { } found)
        {
            attributes.Add(new(SemanticConventions.K8sNamespaceName, found.Pod.Namespace));
            attributes.Add(new(SemanticConventions.K8sPodName, found.Pod.Name));
            attributes.Add(new(SemanticConventions.K8sPodUid, found.Pod.Uid));
            if (found.ContainerName is { } name)
            {
                attributes.Add(new(SemanticConventions.K8sContainerName, name));
            }
        }

        return attributes;
    }

    /// <summary>Stops using the HTTP connection; cancel <see cref="RunAsync"/> first.</summary>
    public void Dispose() => _api.Dispose();

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await _api.ListAsync(cancellationToken).ConfigureAwait(false);
        var resourceVersion = list.Metadata?.ResourceVersion
            ?? throw new KubernetesApiException("the pod list has no metadata.resourceVersion to watch from");
        _pods.Clear();
        foreach (var pod in list.Items ?? [])
        {
            if (pod.Metadata?.Uid is { } uid)
            {
                _pods[uid] = pod;
            }
        }

        Publish();
        KubernetesLog.PodsListed(_logger, _pods.Count, NodeName, resourceVersion);
        _synced.TrySetResult();
        return resourceVersion;
    }

    private async Task<(string ResourceVersion, int Events)> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var events = 0;
        await foreach (var watchEvent in _api.WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false))
        {
            events++;
            var pod = watchEvent.Object.ValueKind == JsonValueKind.Object
                ? watchEvent.Object.Deserialize(KubernetesJsonContext.Default.PodJson)
                : null;
            resourceVersion = pod?.Metadata?.ResourceVersion ?? resourceVersion;
            if (pod?.Metadata is not { Uid: { } uid } metadata)
            {
                continue;
            }

            switch (watchEvent.Type)
            {
                case "ADDED" or "MODIFIED":
                    _pods[uid] = pod;
                    break;
                case "DELETED":
                    _pods.Remove(uid);
                    break;
                default:
                    // BOOKMARK: only its resource version matters.
                    continue;
            }

            KubernetesLog.PodEvent(_logger, metadata.Namespace ?? "", metadata.Name ?? uid, watchEvent.Type);
            Publish();
        }

        return (resourceVersion, events);
    }

    private void Publish() => Volatile.Write(ref _index, PodIndex.Build(_pods.Values));
}
