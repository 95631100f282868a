using k8s.Models;
using Ember.Deploy.Tests.Kubernetes;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Collector;

public class CollectorConfigTests
{
    /// <summary>
    /// Components with profiles support (their metadata.yaml lists the profiles signal): the core OTLP
    /// receiver and exporters (otlp_grpc/otlp_http since v0.148, with the deprecated aliases otlp and
    /// otlphttp), debug and nop, the memory_limiter processor, and contrib's resource processor
    /// (opentelemetry-collector-contrib PR #36208). batch has none.
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> ProfilesCapable = new(StringComparer.Ordinal)
    {
        ["receivers"] = ["otlp", "nop"],
        ["processors"] = ["memory_limiter", "resource"],
        ["exporters"] = ["otlp_grpc", "otlp", "otlp_http", "otlphttp", "debug", "nop"],
    };

    public static TheoryData<string> Files => [.. CollectorConfig.All.Select(c => c.File)];

    [Fact]
    public void There_is_a_config_for_Pyroscope_and_one_for_the_bridge()
    {
        Assert.Equal(["parca.yaml", "pyroscope.yaml"], CollectorConfig.All.Select(c => c.File));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Has_a_profiles_pipeline_built_only_from_components_that_support_profiles(string file)
    {
        var config = CollectorConfig.Named(file);
        var profiles = config.Pipelines.Where(p => p.Key == "profiles" || p.Key.StartsWith("profiles/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(profiles);
        foreach (var (id, pipeline) in profiles)
        {
            Assert.NotEmpty(pipeline.Receivers);
            Assert.NotEmpty(pipeline.Exporters);
            Assert.All(pipeline.Receivers, c => Assert.Contains(CollectorConfig.TypeOf(c), ProfilesCapable["receivers"]));
            Assert.All(pipeline.Processors, c => Assert.Contains(CollectorConfig.TypeOf(c), ProfilesCapable["processors"]));
            Assert.All(pipeline.Exporters, c => Assert.Contains(CollectorConfig.TypeOf(c), ProfilesCapable["exporters"]));
            Assert.DoesNotContain(pipeline.Processors, p => CollectorConfig.TypeOf(p) == "batch");
            Assert.True(pipeline.Processors.Count == 0 || pipeline.Processors[0] == "memory_limiter", $"{file} {id}: memory_limiter goes first");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_component_a_pipeline_names_is_declared(string file)
    {
        var config = CollectorConfig.Named(file);

        foreach (var pipeline in config.Pipelines.Values)
        {
            Assert.Superset(pipeline.Receivers.ToHashSet(), config.Declared("receivers").ToHashSet());
            Assert.Superset(pipeline.Processors.ToHashSet(), config.Declared("processors").ToHashSet());
            Assert.Superset(pipeline.Exporters.ToHashSet(), config.Declared("exporters").ToHashSet());
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Receives_OTLP_on_the_ports_the_collector_Service_exposes(string file)
    {
        var config = CollectorConfig.Named(file);
        var service = Manifests.Single<V1Service>("otel-collector");

        Assert.EndsWith($":{service.Spec.Ports.Single(p => p.Name == "otlp-grpc").Port}", config.Setting("receivers", "otlp", "protocols.grpc.endpoint"), StringComparison.Ordinal);
        Assert.EndsWith($":{service.Spec.Ports.Single(p => p.Name == "otlp-http").Port}", config.Setting("receivers", "otlp", "protocols.http.endpoint"), StringComparison.Ordinal);
        Assert.EndsWith($":{service.Spec.Ports.Single(p => p.Name == "metrics").Port}", config.Setting("exporters", "prometheus", "endpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_Pyroscope_config_exports_to_the_Pyroscope_the_dashboards_query()
    {
        var config = CollectorConfig.Named("pyroscope.yaml");
        var exporter = Assert.Single(config.Pipelines["profiles"].Exporters);
        var datasources = File.ReadAllText(Repository.PathOf("dashboards/provisioning/datasources/ember.yaml"));

        Assert.Equal("otlp_grpc", CollectorConfig.TypeOf(exporter));
        Assert.Contains($"url: http://{config.Setting("exporters", exporter, "endpoint")}", datasources, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Parca_config_exports_to_the_bridge_Service()
    {
        var config = CollectorConfig.Named("parca.yaml");
        var exporter = Assert.Single(config.Pipelines["profiles"].Exporters);
        var bridge = Manifests.Single<V1Service>("ember-bridge");

        Assert.Equal("otlp_grpc", CollectorConfig.TypeOf(exporter));
        Assert.Equal(
            $"{bridge.Metadata.Name}.{bridge.Metadata.NamespaceProperty}.svc.cluster.local:{bridge.Spec.Ports.Single(p => p.Name == "otlp-grpc").Port}",
            config.Setting("exporters", exporter, "endpoint"));
    }

    [Fact]
    public void The_collector_runs_with_the_profiles_feature_gate_and_a_mounted_config()
    {
        var container = Manifests.Single<V1Deployment>("otel-collector").Spec.Template.Spec.Containers.Single();

        Assert.Contains("--feature-gates=+service.profilesSupport", container.Args);
        var configFlag = container.Args.Single(a => a.StartsWith("--config=", StringComparison.Ordinal));
        Assert.Contains(container.VolumeMounts, m => configFlag["--config=".Length..].StartsWith(m.MountPath + "/", StringComparison.Ordinal));
    }
}
