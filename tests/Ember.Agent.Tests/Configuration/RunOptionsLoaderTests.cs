using Ember.Agent.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Ember.Agent.Tests.Configuration;

/// <summary>
/// The layers of <see cref="RunOptions"/>: defaults &lt; file &lt; environment &lt; flags. The environment layer
/// is an in-memory source here (keys as the EMBER_AGENT_* provider yields them), so no test touches the
/// process's environment; RunConfigurationTests covers the real variables through the executable.
/// </summary>
public sealed class RunOptionsLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-options-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Without_any_layer_the_defaults_hold()
    {
        var options = RunOptionsLoader.Load(null, Environment(), Flags());

        Assert.Equal((19, "15s", false, 0, 0), (options.Frequency, options.CollectInterval, options.Kubernetes, options.Pids.Count, options.Namespaces.Count));
        Assert.Null(options.OtlpEndpoint);
    }

    [Fact]
    public void The_readme_example_binds_with_its_camel_case_keys()
    {
        var file = Write("""
            // from a ConfigMap
            { "otlpEndpoint": "http://collector:4317", "otlpProtocol": "grpc", "frequency": 19,
              "collectInterval": "15s", "kubernetes": true, "namespaces": ["payments", "checkout"], "node": "n1",
              "pids": [7, 8], "kubeconfig": "/etc/kube", }
            """);

        var options = RunOptionsLoader.Load(file, Environment(), Flags());

        Assert.Equal(("http://collector:4317", "grpc", "15s", true, "n1", "/etc/kube"), (options.OtlpEndpoint, options.OtlpProtocol, options.CollectInterval, options.Kubernetes, options.Node, options.Kubeconfig));
        Assert.Equal(["payments", "checkout"], options.Namespaces);
        Assert.Equal([7, 8], options.Pids);
    }

    [Fact]
    public void Each_layer_wins_over_the_one_before()
    {
        var file = Write("""{ "frequency": 50, "node": "from-file", "otlpProtocol": "grpc" }""");

        var options = RunOptionsLoader.Load(file, Environment(("FREQUENCY", "60"), ("NODE", "from-env")), Flags(("Node", "from-flag")));

        Assert.Equal((60, "from-flag", "grpc"), (options.Frequency, options.Node, options.OtlpProtocol));
    }

    [Fact]
    public void A_list_from_a_higher_layer_replaces_the_lower_list_instead_of_merging_by_index()
    {
        var file = Write("""{ "pids": [1, 2, 3], "namespaces": ["a", "b"] }""");

        var options = RunOptionsLoader.Load(file, Environment(("NAMESPACES:0", "c")), Flags(("Pids:0", "4")));

        Assert.Equal([4], options.Pids);
        Assert.Equal(["c"], options.Namespaces);
    }

    [Theory]
    [InlineData("""{ "frequncy": 5 }""", "'frequncy'", "frequncy is set by config file")]
    [InlineData("""{ "kubernetes": "yes" }""", "'yes' at 'Kubernetes'", "kubernetes is set by config file")]
    [InlineData("""{ "pids": [1, "x"] }""", "'x' at 'Pids:1'", "pids:1 is set by config file")]
    [InlineData("""[1, 2]""", "must be an object", "config file")]
    [InlineData("""{ "node": """, "LineNumber", "config file")]
    public void A_bad_file_is_an_error_naming_the_key_and_the_layer(string json, string problem, string layer)
    {
        var error = Assert.Throws<AgentConfigException>(() => RunOptionsLoader.Load(Write(json), Environment(), Flags()));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains(layer, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void An_unknown_environment_key_is_an_error_naming_it()
    {
        var error = Assert.Throws<AgentConfigException>(() => RunOptionsLoader.Load(null, Environment(("FREQUENCYY", "3")), Flags()));

        Assert.Contains("FREQUENCYY is set by the environment (EMBER_AGENT_*)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_or_oversized_file_is_an_error_naming_it()
    {
        var missing = Path.Combine(_directory, "absent.json");
        var huge = Write(new string(' ', (1 << 20) + 1) + "{}");

        Assert.Contains("absent.json does not exist", Assert.Throws<AgentConfigException>(() => RunOptionsLoader.Load(missing, Environment(), Flags())).Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 1048576", Assert.Throws<AgentConfigException>(() => RunOptionsLoader.Load(huge, Environment(), Flags())).Message, StringComparison.Ordinal);
    }

    private static MemoryConfigurationSource Environment(params (string Key, string Value)[] variables) =>
        new() { InitialData = variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)) };

    private static Dictionary<string, string?> Flags(params (string Key, string Value)[] flags) =>
        flags.ToDictionary(f => f.Key, f => (string?)f.Value);

    private string Write(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
