using k8s;
using k8s.Models;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Kubernetes;

/// <summary>
/// Every document of deploy/kubernetes/*.yaml, loaded with KubernetesClient's YAML loader into the
/// typed model (strict: an unknown field is an error, so a misspelt key cannot pass unnoticed).
/// </summary>
internal static class Manifests
{
    private static readonly Lazy<IReadOnlyList<Manifest>> LazyAll = new(Load);

    /// <summary>The folder of the manifests.</summary>
    public static string Folder => Repository.PathOf("deploy/kubernetes");

    /// <summary>Every object of every manifest file, with the file it came from.</summary>
    public static IReadOnlyList<Manifest> All => LazyAll.Value;

    /// <summary>The one object of type <typeparamref name="T"/> with this name.</summary>
    public static T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All.Select(m => m.Object).OfType<T>().Single(o => o.Metadata.Name == name);

    /// <summary>Every object of type <typeparamref name="T"/>.</summary>
    public static IEnumerable<T> OfType<T>() => All.Select(m => m.Object).OfType<T>();

    /// <summary>Parses one YAML text (all its documents) into typed objects.</summary>
    public static IReadOnlyList<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, strict: true);

    private static List<Manifest> Load() =>
        Directory.GetFiles(Folder, "*.yaml")
            .Order(StringComparer.Ordinal)
            .SelectMany(file => Parse(File.ReadAllText(file)).Select(o => new Manifest(Path.GetFileName(file), o)))
            .ToList();
}

/// <summary>One typed object and the manifest file that declares it.</summary>
internal sealed record Manifest(string File, object Object);
