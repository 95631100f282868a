using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ember.Bridge.Sinks.File;
using Ember.Bridge.Tests.Hosting;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Ember.Profiles.Pprof;
using Ember.TestSupport;

namespace Ember.Bridge.Tests.EndToEnd;

/// <summary>
/// A stripped C binary profiled on the real kernel with <c>ember-agent record --symbolize none</c>,
/// sent through the bridge, named there from the debug file a real elfutils <c>debuginfod</c> serves:
/// <c>go tool pprof</c> reads the file sink's pprof with the hot function and its <c>file:line</c>.
/// </summary>
public sealed class CentralSymbolizationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ember-central-").FullName;
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill();
            process.WaitForExit();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_stripped_binary_profiled_without_names_is_named_with_file_and_line_from_debuginfod()
    {
        var source = Path.Combine(GoPeer.FixtureDirectory("symbols"), "dwarf", "stripped_hot.c");
        var built = Path.Combine(_directory, "stripped_hot");
        ExternalProcess.RunChecked("gcc", ["-g", "-O2", source, "-o", built]);
        var debugDirectory = Directory.CreateDirectory(Path.Combine(_directory, "debug")).FullName;
        ExternalProcess.RunChecked("objcopy", ["--only-keep-debug", built, Path.Combine(debugDirectory, "stripped_hot.debug")]);
        var stripped = built + ".stripped";
        ExternalProcess.RunChecked("strip", ["-s", "-o", stripped, built]);
        var buildId = BuildIdOf(stripped);

        var url = await StartDebuginfodAsync(debugDirectory, buildId);
        var profile = Path.Combine(_directory, "cpu.otlp");
        var workload = Start(stripped);
        ExternalProcess.RunChecked("dotnet", [AgentToBridgeTests.AgentDll(), "record", "--pid", workload.Id.ToString(CultureInfo.InvariantCulture),
            "--duration", "3s", "--frequency", "999", "--symbolize", "none", "--format", "otlp", "--output", profile]);
        workload.Kill();

        var output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        await using var sink = new FileSink("file-0", output, 1L << 30);
        var settings = TestBridge.DefaultSettings() with
        {
            DebuginfodUrls = [new Uri(url)],
            DebugInfoDirectory = Path.Combine(_directory, "store"),
            SymbolizeDeadline = TimeSpan.FromSeconds(30),
        };
        await using var bridge = await TestBridge.StartAsync(settings, sink);
        using (var response = await bridge.PostOtlpAsync(File.ReadAllBytes(profile)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.HoldsAsync(() => Directory.GetFiles(output, "*.pb.gz").Length > 0, "the file sink wrote the profile");
        var top = GoPeer.Pprof("-top", "-lines", Directory.GetFiles(output, "*.pb.gz").Single());
        var hottest = top.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("flat", StringComparison.Ordinal)).Skip(1).First();

        // The lines marked HOT in the fixture are where its time goes, by construction.
        var hotLines = File.ReadAllLines(source).Select((text, i) => (text, line: i + 1)).Where(l => l.text.Contains("/* HOT */", StringComparison.Ordinal)).Select(l => l.line).ToList();
        Assert.Contains("stripped_hot ", hottest, StringComparison.Ordinal);
        Assert.Contains(hotLines, line => hottest.Contains($"stripped_hot.c:{line}", StringComparison.Ordinal));
        // The agent really sent it unnamed: the bridge named it.
        var sent = GoPeer.Pprof("-top", "-lines", ConvertedInput(profile)).Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("flat", StringComparison.Ordinal)).Skip(1);
        Assert.DoesNotContain(sent, l => l.Contains("stripped_hot ", StringComparison.Ordinal) || l.Contains("stripped_hot.c", StringComparison.Ordinal));
    }

    /// <summary>The agent's own OTLP file as pprof, through the bridge's converter, to show what it sent.</summary>
    private string ConvertedInput(string otlp)
    {
        var pprof = Path.Combine(_directory, "input.pb.gz");
        File.WriteAllBytes(pprof, PprofCodec.EncodeGzip(OtlpToPprof.ConvertMerged(OtlpCodec.Decode(File.ReadAllBytes(otlp)))));
        return pprof;
    }

    private static string BuildIdOf(string binary)
    {
        var notes = ExternalProcess.RunChecked("readelf", ["-n", binary]);
        return notes.Split('\n').Single(l => l.Contains("Build ID:", StringComparison.Ordinal)).Split(':')[1].Trim();
    }

    private Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        _processes.Add(process);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    /// <summary>elfutils' debuginfod over <paramref name="directory"/> on a free loopback port, once it serves <paramref name="buildId"/>.</summary>
    private async Task<string> StartDebuginfodAsync(string directory, string buildId)
    {
        Assert.True(File.Exists("/usr/bin/debuginfod"), "debuginfod is missing: install the Debian package debuginfod (bash .ci/run does)");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Start("/usr/bin/debuginfod", "-p", port.ToString(CultureInfo.InvariantCulture), "-F", directory, "-d", Path.Combine(_directory, "debuginfod.sqlite"), "-t", "0");
        var url = $"http://127.0.0.1:{port}/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"{url}buildid/{buildId}/debuginfo"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            Assert.True(DateTime.UtcNow < deadline, "debuginfod did not serve the debug file within 60 s");
            await Task.Delay(200);
        }

        return url;
    }
}
