using System.Xml.Linq;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Docker;

/// <summary>What a Dockerfile needs to know about a .csproj: its assembly name and the files outside its folder it reads.</summary>
internal sealed class MsBuildProject
{
    private readonly XDocument _xml;

    private MsBuildProject(string path)
    {
        Path = path;
        _xml = XDocument.Load(path);
    }

    /// <summary>Absolute path of the .csproj.</summary>
    public string Path { get; }

    /// <summary>Folder of the project.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Loads a project by its repository-relative path.</summary>
    public static MsBuildProject Load(string relative) => new(Repository.PathOf(relative));

    /// <summary>The value of a property set in the project file itself, or null.</summary>
    public string? Property(string name) => _xml.Descendants(name).Select(e => e.Value).LastOrDefault();

    /// <summary>This project and every project it references, transitively.</summary>
    public IEnumerable<MsBuildProject> WithReferences()
    {
        var seen = new Dictionary<string, MsBuildProject>(StringComparer.Ordinal) { [Path] = this };
        var queue = new Queue<MsBuildProject>([this]);
        while (queue.TryDequeue(out var project))
        {
            foreach (var reference in project.Includes("ProjectReference"))
            {
                if (!seen.ContainsKey(reference))
                {
                    seen[reference] = new MsBuildProject(reference);
                    queue.Enqueue(seen[reference]);
                }
            }
        }

        return seen.Values;
    }

    /// <summary>Items (compile, embedded, content...) whose file lies outside the project folder.</summary>
    public IEnumerable<string> FilesOutsideTheFolder() =>
        _xml.Descendants().Where(e => e.Name.LocalName != "ProjectReference")
            .SelectMany(e => Includes(e))
            .Where(f => !f.StartsWith(Folder + "/", StringComparison.Ordinal));

    private IEnumerable<string> Includes(string itemType) => _xml.Descendants(itemType).SelectMany(e => Includes(e));

    private IEnumerable<string> Includes(XElement item) =>
        item.Attribute("Include")?.Value is { } include && include.Contains('/', StringComparison.Ordinal)
            ? [System.IO.Path.GetFullPath(System.IO.Path.Combine(Folder, include))]
            : [];
}
