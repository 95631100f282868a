using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ember.Agent.Tests.Export;
using Ember.TestSupport;
using Ember.TestSupport.Otlp;

namespace Ember.Agent.Tests.Cli;

/// <summary><c>ember-agent run --config FILE</c> and <c>--log-format json</c>, through the real executable.</summary>
public sealed class RunConfigurationTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-config-").FullName;
    private FakeOtlpReceiver _collector = null!;

    public async Task InitializeAsync() => _collector = await FakeOtlpReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _collector.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_config_file_sets_the_export_and_a_flag_wins_over_it_and_logs_are_json_lines()
    {
        using var workload = Process.Start(new ProcessStartInfo(GoPeer.FixtureBinary) { RedirectStandardOutput = true, ArgumentList = { "-duration", "60s", "-hot", "0.7" } })!;
        var config = Write("agent.json", $$"""
            // comments are allowed: the file usually lives in a ConfigMap
            {
              "otlpEndpoint": "{{_collector.HttpEndpoint}}",
              "otlpProtocol": "http/protobuf",
              "frequency": 99,
              "collectInterval": "2s",
              "node": "from-file",
              "pids": [{{workload.Id}}],
            }
            """);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ember-agent.dll"), "run", "--config", config, "--node", "from-flag", "--log-format", "json" })
        {
            start.ArgumentList.Add(argument);
        }

        using var agent = Process.Start(start)!;
        var stdout = agent.StandardOutput.ReadToEndAsync();
        var stderr = agent.StandardError.ReadToEndAsync();
        var arrived = await _collector.WaitForExportsAsync(1, TimeSpan.FromSeconds(60));
        ExternalProcess.RunChecked("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(60)), "the agent did not stop on SIGTERM");
        workload.Kill();

        Assert.True(arrived, await stderr);
        Assert.Equal(0, agent.ExitCode);
        var request = _collector.Requests.First(r => r.Data is not null);
        Assert.Equal("http", request.Protocol);
        var resource = Assert.Single(new OracleExport(request.Message).Resources);
        Assert.Equal(("from-flag", workload.Id.ToString(CultureInfo.InvariantCulture)), (resource["host.name"], resource["process.pid"]));

        var logLines = (await stdout).Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Contains(logLines, l => l.RootElement.GetProperty("Category").GetString() == "run" && l.RootElement.GetProperty("LogLevel").GetString() == "Information");
        Assert.All(logLines, l => Assert.True(l.RootElement.TryGetProperty("Timestamp", out _)));
    }

    [Theory]
    [InlineData("""{ "otlpEndpont": "http://x:4317" }""", "otlpEndpont is set by config file")]
    [InlineData("""{ "frequency": "fast" }""", "'fast' at 'Frequency'")]
    [InlineData("""{ "collectInterval": "often" }""", "often")]
    [InlineData("[1, 2]", "must be an object")]
    [InlineData("{ broken", "BytePositionInLine: 2")]
    [InlineData("""{ "unwindMemory": "lots" }""", "invalid --unwind-memory 'lots'")]
    [InlineData("""{ "unwindMemory": "2GiB" }""", "--unwind-memory 2GiB is outside 1MiB..1GiB")]
    public void A_bad_config_file_is_a_usage_error_naming_the_problem(string json, string expected)
    {
        var result = AgentProcess.Run("run", "--config", Write("bad.json", json));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EMBER_AGENT_FREQUENCYY", "3", "FREQUENCYY is set by the environment")]
    [InlineData("EMBER_AGENT_FREQUENCY", "0", "--frequency 0 is outside 1..10000 Hz")]
    [InlineData("EMBER_AGENT_PIDS__0", "one", "'one' at 'Pids:0'")]
    public void A_bad_environment_variable_is_a_usage_error_naming_it(string variable, string value, string expected)
    {
        var result = AgentProcess.RunWithEnvironment(new Dictionary<string, string> { [variable] = value }, "run");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_wins_over_the_file_and_a_flag_over_both()
    {
        var config = Write("agent.json", """{ "collectInterval": "often" }""");
        var environment = new Dictionary<string, string> { ["EMBER_AGENT_COLLECTINTERVAL"] = "sometimes" };

        var environmentWins = AgentProcess.RunWithEnvironment(environment, "run", "--config", config);
        var flagWins = AgentProcess.RunWithEnvironment(environment, "run", "--config", config, "--collect-interval", "whenever");

        // Each value is invalid, so the agent stops before sampling; the one it quotes is the layer that won.
        Assert.Equal(2, environmentWins.ExitCode);
        Assert.Contains("invalid --collect-interval 'sometimes'", environmentWins.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, flagWins.ExitCode);
        Assert.Contains("invalid --collect-interval 'whenever'", flagWins.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_is_a_usage_error()
    {
        var result = AgentProcess.Run("run", "--config", Path.Combine(_directory, "absent.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("absent.json does not exist", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_log_format_is_a_usage_error()
    {
        var result = AgentProcess.Run("check", "--log-format", "xml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("xml", result.StandardError, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
