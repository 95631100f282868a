using System.Text.Json.Nodes;

namespace Ember.Agent.Tests.Kubernetes;

/// <summary>A container status as the kubelet reports it: its name and <c>runtime://ID</c> (empty before it starts).</summary>
internal sealed record FakeContainer(string Name, string ContainerId);

/// <summary>A pod for <see cref="FakeKubernetesApi"/>, rendered in the real core/v1 Pod shape.</summary>
internal sealed record FakePod(string Namespace, string Name, string Uid, string NodeName)
{
    public IReadOnlyList<FakeContainer> Containers { get; init; } = [];

    public IReadOnlyList<FakeContainer> InitContainers { get; init; } = [];

    public IReadOnlyList<FakeContainer> EphemeralContainers { get; init; } = [];

    public JsonObject ToJson(long resourceVersion) => new()
    {
        ["kind"] = "Pod",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = Namespace,
            ["uid"] = Uid,
            ["resourceVersion"] = resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["labels"] = new JsonObject { ["app"] = Name },
        },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = NodeName,
            ["containers"] = new JsonArray([.. Containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["image"] = "example/" + c.Name })]),
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["containerStatuses"] = Statuses(Containers),
            ["initContainerStatuses"] = Statuses(InitContainers),
            ["ephemeralContainerStatuses"] = Statuses(EphemeralContainers),
        },
    };

    private static JsonArray Statuses(IReadOnlyList<FakeContainer> containers) =>
        new([.. containers.Select(c =>
        {
            var status = new JsonObject { ["name"] = c.Name, ["ready"] = true, ["restartCount"] = 0 };
            // The kubelet omits containerID until the runtime has created the container.
            if (c.ContainerId.Length > 0)
            {
                status["containerID"] = c.ContainerId;
            }

            return (JsonNode)status;
        })]);
}
