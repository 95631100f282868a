using Ember.Bridge.Sinks.File;
using Ember.Bridge.Tests.Hosting;
using Ember.TestSupport;

namespace Ember.Bridge.Tests.Receivers;

/// <summary>
/// The real Pyroscope Node.js SDK (npm @pyroscope/nodejs, installed into tests/fixtures/pyroscope-node
/// by .ci/run) profiles a Node program and pushes to the bridge's /ingest; the file sink's pprof is
/// read by go tool pprof, which must name the program's hot function.
/// </summary>
public sealed class PyroscopeNodeSdkTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-node-sdk-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_Node_program_profiled_by_the_Pyroscope_SDK_lands_in_the_file_sink_and_pprof_names_its_hot_function()
    {
        var node = ExternalProcess.Require("node", "nodejs");
        var fixture = GoPeer.FixtureDirectory("pyroscope-node");
        Assert.True(
            Directory.Exists(Path.Combine(fixture, "node_modules", "@pyroscope", "nodejs")),
            $"@pyroscope/nodejs is not installed in {fixture}; run 'npm ci' there (bash .ci/run does)");
        await using var sink = new FileSink("file-0", _directory, 1024L * 1024 * 1024);
        await using var bridge = await TestBridge.StartAsync(sink);

        var run = await Task.Run(() => ExternalProcess.Run(node, ["app.js", bridge.Host.HttpEndpoint.ToString().TrimEnd('/'), "3"], fixture, timeout: TimeSpan.FromSeconds(60)));

        Assert.True(run.ExitCode == 0, run.StandardError);
        for (var i = 0; i < 100 && Directory.GetFiles(_directory, "*.pb.gz").Length == 0; i++)
        {
            await Task.Delay(100);
        }

        var file = Assert.Single(Directory.GetFiles(_directory, "*.pb.gz"));
        Assert.StartsWith("ember-node-app-", Path.GetFileName(file), StringComparison.Ordinal);
        var top = GoPeer.Pprof("-top", file);
        var hottest = top.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("flat", StringComparison.Ordinal)).Skip(1).First();
        Assert.Contains("emberHotLoop", hottest, StringComparison.Ordinal);
    }
}
