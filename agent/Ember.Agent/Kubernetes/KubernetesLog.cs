using Microsoft.Extensions.Logging;

namespace Ember.Agent.Kubernetes;

/// <summary>Log messages of the Kubernetes pod metadata (event IDs 300+), source-generated.</summary>
internal static partial class KubernetesLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "listed {Count} pods on node {Node} at resource version {ResourceVersion}")]
    public static partial void PodsListed(ILogger logger, int count, string node, string resourceVersion);

    [LoggerMessage(EventId = 301, Level = LogLevel.Debug, Message = "pod watch ended at resource version {ResourceVersion}; watching again")]
    public static partial void WatchEnded(ILogger logger, string resourceVersion);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "pod watch expired (410 Gone); listing pods again")]
    public static partial void WatchExpired(ILogger logger);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "pod list/watch failed; retrying in {Delay}")]
    public static partial void ListWatchFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 304, Level = LogLevel.Debug, Message = "pod {Namespace}/{Name} {EventType}")]
    public static partial void PodEvent(ILogger logger, string @namespace, string name, string eventType);
}
