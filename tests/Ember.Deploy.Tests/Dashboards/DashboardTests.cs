using System.Text.Json;
using System.Text.RegularExpressions;
using Ember.Deploy.Tests.Metrics;

namespace Ember.Deploy.Tests.Dashboards;

public partial class DashboardTests
{
    private const string Prometheus = "prometheus";

    public static TheoryData<string> Files => [.. Dashboard.All.Select(d => d.File)];

    /// <summary>Every Prometheus series name any dashboard queries (targets and variables).</summary>
    public static TheoryData<string> PrometheusMetricNames =>
    [
        .. Dashboard.All
            .SelectMany(d => d.QueriesOf(Prometheus).Select(t => t.GetProperty("expr").GetString()!)
                .Concat(d.QueryVariablesOf(Prometheus).Select(v => v.GetProperty("query").GetProperty("query").GetString()!)))
            .SelectMany(MetricNamesIn)
            .Distinct()
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public void The_three_dashboards_exist_with_unique_uids()
    {
        Assert.Equal(["ember-compare.json", "ember-fleet-cpu.json", "ember-health.json"], Dashboard.All.Select(d => d.File));
        Assert.Equal(Dashboard.All.Count, Dashboard.All.Select(d => d.Root.GetProperty("uid").GetString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Uses_the_current_classic_schema_and_a_complete_grid(string file)
    {
        var dashboard = Dashboard.Named(file);

        Assert.Equal(42, dashboard.Root.GetProperty("schemaVersion").GetInt32());
        var ids = dashboard.Panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var panel in dashboard.Panels)
        {
            var grid = panel.GetProperty("gridPos");
            var (x, w, h) = (grid.GetProperty("x").GetInt32(), grid.GetProperty("w").GetInt32(), grid.GetProperty("h").GetInt32());
            Assert.True(grid.GetProperty("y").GetInt32() >= 0 && x >= 0 && w > 0 && h > 0 && x + w <= 24, $"{file}: panel '{panel.GetProperty("title")}' has a bad gridPos");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Declares_a_Pyroscope_and_a_Prometheus_data_source_variable(string file)
    {
        var dashboard = Dashboard.Named(file);

        Assert.Equal(PyroscopeNames.PluginType, DataSourceVariable(dashboard, "pyroscope"));
        Assert.Equal(Prometheus, DataSourceVariable(dashboard, "prometheus"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_panel_target_and_query_variable_takes_its_data_source_from_a_variable(string file)
    {
        var dashboard = Dashboard.Named(file);
        var sources = dashboard.QueryPanels.Select(p => (What: $"panel '{p.GetProperty("title")}'", Source: p.GetProperty("datasource")))
            .Concat(dashboard.Targets.Where(t => t.Target.TryGetProperty("datasource", out _))
                .Select(t => (What: $"target {t.Target.GetProperty("refId")} of '{t.Panel.GetProperty("title")}'", Source: t.Target.GetProperty("datasource"))))
            .Concat(dashboard.Variables.Where(v => v.GetProperty("type").GetString() == "query")
                .Select(v => (What: $"variable {v.GetProperty("name")}", Source: v.GetProperty("datasource"))));

        Assert.NotEmpty(dashboard.QueryPanels);
        foreach (var (what, source) in sources)
        {
            var uid = source.GetProperty("uid").GetString()!;
            var match = VariableReference().Match(uid);
            Assert.True(match.Success, $"{file}: {what} names data source '{uid}' instead of a variable");
            Assert.Equal(DataSourceVariable(dashboard, match.Groups["name"].Value), source.GetProperty("type").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_Pyroscope_query_names_the_agents_profile_type_and_its_labels(string file)
    {
        var dashboard = Dashboard.Named(file);
        var queries = dashboard.QueriesOf(PyroscopeNames.PluginType).ToList();
        var variables = dashboard.QueryVariablesOf(PyroscopeNames.PluginType).Select(v => v.GetProperty("query")).ToList();

        foreach (var query in queries.Concat(variables))
        {
            var type = query.GetProperty("profileTypeId").GetString()!;
            Assert.Contains(type, PyroscopeNames.KnownProfileTypes);
            Assert.Equal(PyroscopeNames.AgentCpu, type);
        }

        foreach (var query in queries)
        {
            Assert.Contains(query.GetProperty("queryType").GetString(), new[] { "metrics", "profile", "both" });
            var selector = query.GetProperty("labelSelector").GetString()!;
            var matchers = Matcher().Matches(selector);
            Assert.True(selector.StartsWith('{') && selector.EndsWith('}') && matchers.Count > 0, $"{file}: selector '{selector}'");
            Assert.All(matchers, m => Assert.Contains(m.Groups["label"].Value, PyroscopeNames.Labels));
            Assert.All(query.GetProperty("groupBy").EnumerateArray(), g => Assert.Contains(g.GetString()!, PyroscopeNames.Labels));
            Assert.All(VariableUse().Matches(selector), v => dashboard.Variable(v.Groups["name"].Value));
        }

        Assert.All(variables, v => Assert.Contains(v.GetProperty("labelName").GetString()!, PyroscopeNames.Labels));
    }

    [Theory]
    [MemberData(nameof(PrometheusMetricNames))]
    public void Every_Prometheus_metric_a_panel_queries_is_defined_in_the_code(string metric)
    {
        var known = SourceInstruments.All.SelectMany(PrometheusNaming.SeriesNames).ToHashSet(StringComparer.Ordinal);

        Assert.True(known.Contains(metric),
            $"'{metric}' is not what any instrument in agent/ or otlp-bridge/ is exposed as; the code exposes: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Every_Prometheus_query_names_an_Ember_metric()
    {
        var expressions = Dashboard.All.SelectMany(d => d.QueriesOf(Prometheus)).Select(t => t.GetProperty("expr").GetString()!).ToList();

        Assert.NotEmpty(expressions);
        Assert.All(expressions, e => Assert.NotEmpty(MetricNamesIn(e)));
    }

    [Fact]
    public void The_fleet_dashboard_filters_by_cluster_namespace_pod_and_service_and_shows_cpu_by_service_a_flame_graph_and_top_functions()
    {
        var fleet = Dashboard.Named("ember-fleet-cpu.json");

        Assert.All(new[] { "cluster", "namespace", "pod", "service" }, v => fleet.Variable(v));
        var types = fleet.QueryPanels.Select(p => p.GetProperty("type").GetString()).ToList();
        Assert.Contains("flamegraph", types);
        Assert.Contains("table", types);
        var byService = fleet.QueryPanels.Single(p => p.GetProperty("type").GetString() == "timeseries");
        var target = byService.GetProperty("targets")[0];
        Assert.Equal("metrics", target.GetProperty("queryType").GetString());
        Assert.Equal(["service_name"], target.GetProperty("groupBy").EnumerateArray().Select(g => g.GetString()));
        Assert.All(fleet.QueriesOf(PyroscopeNames.PluginType), q =>
            Assert.All(new[] { "$cluster", "$namespace", "$pod", "$service" }, v => Assert.Contains(v, q.GetProperty("labelSelector").GetString(), StringComparison.Ordinal)));
    }

    [Fact]
    public void The_comparison_dashboard_shows_one_service_in_two_time_ranges()
    {
        var compare = Dashboard.Named("ember-compare.json");

        Assert.False(compare.Variable("service").GetProperty("multi").GetBoolean());
        var shifted = compare.QueryPanels.Where(p => p.TryGetProperty("timeShift", out var s) && s.GetString() == "$shift").ToList();
        var current = compare.QueryPanels.Where(p => !p.TryGetProperty("timeShift", out _)).ToList();
        Assert.Equal(shifted.Select(p => p.GetProperty("type").GetString()).Order(), current.Select(p => p.GetProperty("type").GetString()).Order());
        Assert.Contains(shifted, p => p.GetProperty("type").GetString() == "flamegraph");
        Assert.All(compare.QueriesOf(PyroscopeNames.PluginType), q => Assert.Contains("service_name=\"$service\"", q.GetProperty("labelSelector").GetString(), StringComparison.Ordinal));
        Assert.Contains(compare.Root.GetProperty("links").EnumerateArray(), l => l.GetProperty("url").GetString()!.Contains("explorationType=diff-flame-graph", StringComparison.Ordinal));
    }

    [Fact]
    public void The_health_dashboard_covers_the_agent_and_the_bridge()
    {
        var queried = Dashboard.Named("ember-health.json").QueriesOf(Prometheus)
            .SelectMany(t => MetricNamesIn(t.GetProperty("expr").GetString()!)).ToHashSet(StringComparer.Ordinal);

        var required = new HashSet<string>(StringComparer.Ordinal)
        {
            "ember_agent_samples_total", "ember_agent_samples_dropped_total", "ember_agent_symbolization_misses_total",
            "ember_agent_export_latency_seconds", "ember_agent_export_failures_total",
            "ember_bridge_profiles_received_total", "ember_bridge_profiles_forwarded_total", "ember_bridge_profiles_rejected_total",
            "ember_bridge_spool_size_bytes", "ember_bridge_sink_retries_total",
        };

        Assert.Superset(required, queried);
    }

    private static string DataSourceVariable(Dashboard dashboard, string name)
    {
        var variable = dashboard.Variable(name);
        Assert.Equal("datasource", variable.GetProperty("type").GetString());
        return variable.GetProperty("query").GetString()!;
    }

    private static IEnumerable<string> MetricNamesIn(string promql) => EmberMetric().Matches(promql).Select(m => m.Value);

    /// <summary>A whole value that is one variable: <c>$name</c> or <c>${name}</c>.</summary>
    [GeneratedRegex(@"^\$(\{(?<name>\w+)\}|(?<name>\w+))$")]
    private static partial Regex VariableReference();

    /// <summary>A variable used inside a text.</summary>
    [GeneratedRegex(@"\$\{?(?<name>[A-Za-z_]\w*)")]
    private static partial Regex VariableUse();

    [GeneratedRegex(@"(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\bember_[a-z0-9_]+\b")]
    private static partial Regex EmberMetric();
}
