using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ember.Agent.Kubernetes;

// Only the fields the agent reads from core/v1 Pod, PodList, Status and watch events; the rest of the
// (large) objects is skipped by the reader. Shapes: https://kubernetes.io/docs/reference/kubernetes-api/

/// <summary>ObjectMeta / ListMeta, the fields we read.</summary>
internal sealed record ObjectMetaJson(
    string? Name = null,
    string? Namespace = null,
    string? Uid = null,
    string? ResourceVersion = null);

/// <summary>One entry of status.containerStatuses (also init and ephemeral).</summary>
internal sealed record ContainerStatusJson(
    string? Name = null,
    [property: JsonPropertyName("containerID")] string? ContainerId = null);

/// <summary>PodStatus, the container statuses only.</summary>
internal sealed record PodStatusJson(
    IReadOnlyList<ContainerStatusJson>? ContainerStatuses = null,
    IReadOnlyList<ContainerStatusJson>? InitContainerStatuses = null,
    IReadOnlyList<ContainerStatusJson>? EphemeralContainerStatuses = null);

/// <summary>PodSpec, the node only.</summary>
internal sealed record PodSpecJson(string? NodeName = null);

/// <summary>core/v1 Pod.</summary>
internal sealed record PodJson(ObjectMetaJson? Metadata = null, PodSpecJson? Spec = null, PodStatusJson? Status = null);

/// <summary>core/v1 PodList.</summary>
internal sealed record PodListJson(ObjectMetaJson? Metadata = null, IReadOnlyList<PodJson>? Items = null);

/// <summary>meta/v1 Status, sent as the object of a watch ERROR event.</summary>
internal sealed record StatusJson(int? Code = null, string? Reason = null, string? Message = null);

/// <summary>One line of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR with its object.</summary>
internal sealed record WatchEventJson(string? Type = null, JsonElement Object = default);

/// <summary>Source-generated (AOT- and trim-safe) serialization of the API shapes above.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PodJson))]
[JsonSerializable(typeof(PodListJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(WatchEventJson))]
internal sealed partial class KubernetesJsonContext : JsonSerializerContext;
