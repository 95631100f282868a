using System.Text.Json;
using Ember.Deploy.Tests.Support;

namespace Ember.Deploy.Tests.Dashboards;

/// <summary>One Grafana dashboard of dashboards/*.json, read with System.Text.Json.</summary>
internal sealed class Dashboard
{
    private Dashboard(string file, JsonElement root)
    {
        File = file;
        Root = root;
    }

    /// <summary>The file name, e.g. <c>ember-health.json</c>.</summary>
    public string File { get; }

    /// <summary>The dashboard object.</summary>
    public JsonElement Root { get; }

    /// <summary>Every dashboard file of the repository.</summary>
    public static IReadOnlyList<Dashboard> All { get; } = Load();

    /// <summary>The dashboard in this file.</summary>
    public static Dashboard Named(string file) => All.Single(d => d.File == file);

    /// <summary>The templating variables.</summary>
    public IEnumerable<JsonElement> Variables => Root.GetProperty("templating").GetProperty("list").EnumerateArray();

    /// <summary>The variable with this name.</summary>
    public JsonElement Variable(string name) => Variables.Single(v => v.GetProperty("name").GetString() == name);

    /// <summary>Every panel, including those nested in rows.</summary>
    public IEnumerable<JsonElement> Panels => Root.GetProperty("panels").EnumerateArray()
        .SelectMany(p => p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p]);

    /// <summary>The panels that query a data source (rows and text panels do not).</summary>
    public IEnumerable<JsonElement> QueryPanels => Panels.Where(p => p.TryGetProperty("targets", out _));

    /// <summary>Every query target with the panel it belongs to.</summary>
    public IEnumerable<(JsonElement Panel, JsonElement Target)> Targets =>
        QueryPanels.SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (p, t)));

    /// <summary>The targets and query variables whose data source is this plugin type.</summary>
    public IEnumerable<JsonElement> QueriesOf(string pluginType) =>
        Targets.Where(t => EffectiveDataSourceType(t.Panel, t.Target) == pluginType).Select(t => t.Target);

    /// <summary>The query variables (with a data source) of this plugin type.</summary>
    public IEnumerable<JsonElement> QueryVariablesOf(string pluginType) =>
        Variables.Where(v => v.GetProperty("type").GetString() == "query"
            && v.GetProperty("datasource").GetProperty("type").GetString() == pluginType);

    private static string? EffectiveDataSourceType(JsonElement panel, JsonElement target) =>
        (target.TryGetProperty("datasource", out var own) ? own : panel.GetProperty("datasource")).GetProperty("type").GetString();

    private static List<Dashboard> Load() =>
        Directory.GetFiles(Repository.PathOf("dashboards"), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(file => new Dashboard(Path.GetFileName(file), JsonDocument.Parse(System.IO.File.ReadAllText(file)).RootElement.Clone()))
            .ToList();
}
