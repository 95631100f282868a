using Ember.Agent.Kubernetes;

namespace Ember.Agent.Tests.Kubernetes;

public class NodeNameTests
{
    [Fact]
    public void The_node_flag_wins()
    {
        Assert.Equal("node-7", NodeName.Resolve("node-7"));
    }

    [Fact]
    public void Without_a_flag_the_downward_api_variable_or_the_host_name_is_used()
    {
        var expected = Environment.GetEnvironmentVariable(NodeName.EnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Environment.MachineName;

        Assert.Equal(expected, NodeName.Resolve(null));
        Assert.Equal(expected, NodeName.Resolve(" "));
    }

    [Theory]
    [InlineData("containerd://abc123", "abc123")]
    [InlineData("docker://abc123", "abc123")]
    [InlineData("cri-o://abc123", "abc123")]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("containerd://", null)]
    public void Status_container_ids_lose_their_runtime_scheme(string? status, string? expected)
    {
        Assert.Equal(expected, PodIndex.ContainerIdOf(status));
    }
}
