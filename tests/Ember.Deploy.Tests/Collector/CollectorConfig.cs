using Ember.Deploy.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Ember.Deploy.Tests.Collector;

/// <summary>One OpenTelemetry Collector configuration of deploy/collector/, parsed with YamlDotNet.</summary>
internal sealed class CollectorConfig
{
    private readonly YamlMappingNode _root;

    private CollectorConfig(string file, YamlMappingNode root)
    {
        File = file;
        _root = root;
    }

    /// <summary>The file name, e.g. <c>pyroscope.yaml</c>.</summary>
    public string File { get; }

    /// <summary>Every collector configuration of the repository.</summary>
    public static IReadOnlyList<CollectorConfig> All { get; } = Load();

    /// <summary>The configuration in this file.</summary>
    public static CollectorConfig Named(string file) => All.Single(c => c.File == file);

    /// <summary>The pipelines by id (<c>profiles</c>, <c>metrics/x</c>...).</summary>
    public IReadOnlyDictionary<string, Pipeline> Pipelines =>
        Mapping(Mapping(_root, "service"), "pipelines").Children.ToDictionary(
            p => Scalar(p.Key),
            p => new Pipeline(Ids(p.Value, "receivers"), Ids(p.Value, "processors"), Ids(p.Value, "exporters")));

    /// <summary>The component ids declared in a top-level section (<c>receivers</c>, <c>exporters</c>...).</summary>
    public IReadOnlyCollection<string> Declared(string section) =>
        _root.Children.TryGetValue(new YamlScalarNode(section), out var node) ? ((YamlMappingNode)node).Children.Keys.Select(Scalar).ToList() : [];

    /// <summary>One setting of a declared component, by its path (e.g. <c>endpoint</c> or <c>protocols.grpc.endpoint</c>).</summary>
    public string Setting(string section, string component, string path) =>
        Scalar(path.Split('.').Aggregate((YamlNode)Mapping(Mapping(_root, section), component), (node, key) => ((YamlMappingNode)node).Children[new YamlScalarNode(key)]));

    /// <summary>The component type of an id: <c>otlp_grpc/pyroscope</c> → <c>otlp_grpc</c>.</summary>
    public static string TypeOf(string id) => id.Split('/')[0];

    private static List<string> Ids(YamlNode pipeline, string kind) =>
        ((YamlMappingNode)pipeline).Children.TryGetValue(new YamlScalarNode(kind), out var list)
            ? ((YamlSequenceNode)list).Children.Select(Scalar).ToList()
            : [];

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static List<CollectorConfig> Load() =>
        Directory.GetFiles(Repository.PathOf("deploy/collector"), "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(file =>
            {
                var stream = new YamlStream();
                using var reader = new StreamReader(file);
                stream.Load(reader);
                return new CollectorConfig(Path.GetFileName(file), (YamlMappingNode)Assert.Single(stream.Documents).RootNode);
            })
            .ToList();
}

/// <summary>The component ids of one pipeline, in order.</summary>
internal sealed record Pipeline(IReadOnlyList<string> Receivers, IReadOnlyList<string> Processors, IReadOnlyList<string> Exporters);
