using Ember.Deploy.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Ember.Deploy.Tests.Dashboards;

public class ProvisioningTests
{
    [Fact]
    public void Provisions_one_data_source_for_each_data_source_variable_type_the_dashboards_use()
    {
        var datasources = Load("dashboards/provisioning/datasources/ember.yaml");
        var provided = ((YamlSequenceNode)datasources.Children[new YamlScalarNode("datasources")]).Children.Cast<YamlMappingNode>()
            .Select(d => Scalar(d, "type")).ToList();
        var used = Dashboard.All.SelectMany(d => d.Variables)
            .Where(v => v.GetProperty("type").GetString() == "datasource")
            .Select(v => v.GetProperty("query").GetString()!).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal("1", Scalar(datasources, "apiVersion"));
        Assert.Equal(used, provided.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Loads_the_dashboards_from_a_file_provider()
    {
        var provider = Assert.Single(((YamlSequenceNode)Load("dashboards/provisioning/dashboards/ember.yaml").Children[new YamlScalarNode("providers")]).Children.Cast<YamlMappingNode>());

        Assert.Equal("file", Scalar(provider, "type"));
        Assert.StartsWith("/", Scalar((YamlMappingNode)provider.Children[new YamlScalarNode("options")], "path"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_deploy_README_documents_SYS_RESOURCE_for_kernels_before_5_11_only()
    {
        var readme = File.ReadAllText(Repository.PathOf("deploy/README.md"));
        var daemonSet = File.ReadAllText(Repository.PathOf("deploy/kubernetes/agent-daemonset.yaml"));

        Assert.Contains("older than 5.11", readme, StringComparison.Ordinal);
        Assert.Contains("SYS_RESOURCE", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SYS_RESOURCE\"", daemonSet, StringComparison.Ordinal);
    }

    private static YamlMappingNode Load(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf(relative));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
