using System.Diagnostics;
using System.Text;
using Ember.Symbols.PerfMap;
using Ember.Symbols.Processes;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.PerfMap;

/// <summary>perf-PID.map parsing and lookups, on maps written by real Node and .NET processes and compared with perf.</summary>
public sealed class PerfMapFileTests
{
    private const string NodeHotLoop =
        "function ember_hot(n){let s=0;for(let i=0;i<n;i++)s+=Math.sqrt(i)*i;return s} let t=0; for(let k=0;k<300;k++) t+=ember_hot(100000); console.log(t)";

    [Fact]
    public void Node_jit_frames_sampled_by_perf_resolve_to_the_names_perf_gives()
    {
        var node = ExternalProcess.Require("node", "nodejs");
        var samples = PerfPeer.Record([node, "--perf-basic-prof", "-e", NodeHotLoop]);

        var compared = CompareWithPerf(samples);

        Assert.True(compared >= 20, $"only {compared} samples landed in JIT code");
    }

    [Fact]
    public void Dotnet_jit_frames_sampled_by_perf_resolve_to_the_names_perf_gives()
    {
        // With W^X on, .NET runs JIT code from a memfd double mapping, where perf does not consult the map.
        var samples = PerfPeer.Record([ExternalProcess.Require("dotnet", "dotnet-sdk"), "--info"],
            new Dictionary<string, string> { ["DOTNET_PerfMapEnabled"] = "1", ["DOTNET_EnableWriteXorExecute"] = "0" }, frequency: 10000);

        var compared = CompareWithPerf(samples);

        Assert.True(compared >= 1, $"only {compared} samples landed in JIT code");
    }

    [Fact]
    public void Dotnet_perf_map_parses_every_line_and_names_jitted_methods()
    {
        var dotnet = ExternalProcess.Require("dotnet", "dotnet-sdk");
        var start = new ProcessStartInfo(dotnet, "--info") { RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["DOTNET_PerfMapEnabled"] = "1";
        int pid;
        using (var process = Process.Start(start)!)
        {
            pid = process.Id;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
        }

        var path = $"/tmp/perf-{pid}.map";
        var lines = File.ReadAllLines(path);
        var map = new PerfMapFile(path);

        Assert.True(map.Refresh());

        Assert.Equal(lines.Length, map.Count);
        Assert.Equal(new FileInfo(path).Length, map.Offset);
        var jitted = lines.Where(l => l.Contains("[System.Private.CoreLib] System.", StringComparison.Ordinal) && l.EndsWith("[QuickJitted]", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(jitted);
        foreach (var line in jitted)
        {
            Assert.True(PerfMapFile.TryParseLine(line, out var expected));
            var found = map.Lookup(expected.Start + (expected.Size / 2));
            Assert.NotNull(found);
            Assert.True(found.Value.Contains(expected.Start + (expected.Size / 2)));
            Assert.Contains(" ", expected.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Node_perf_map_is_read_incrementally_while_the_process_jits_new_functions()
    {
        var node = ExternalProcess.Require("node", "nodejs");
        var script = Path.Combine(Directory.CreateTempSubdirectory("ember-node-").FullName, "jit.js");
        File.WriteAllText(script, """
            const rl = require('readline').createInterface({ input: process.stdin });
            console.log('ready');
            rl.on('line', (name) => {
              const fn = new Function('n', `function ${name}(n){let s=0;for(let i=0;i<n;i++)s+=i*i;return s} return ${name}(n);`);
              let t = 0; for (let i = 0; i < 20000; i++) t += fn(50);
              console.log('done ' + t);
            });
            """);
        var start = new ProcessStartInfo(node) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "--perf-basic-prof", script })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        try
        {
            Assert.Equal("ready", process.StandardOutput.ReadLine());
            var map = new PerfMapFile($"/tmp/perf-{process.Id}.map");
            JitFunction(process, "ember_first");
            Assert.True(map.Refresh());
            var firstCount = map.Count;
            var firstOffset = map.Offset;
            var first = FindOptimized(map, "ember_first");

            JitFunction(process, "ember_second");
            Assert.True(map.Refresh());

            Assert.True(map.Offset > firstOffset);
            Assert.True(map.Count > firstCount);
            Assert.Equal(CountLines(map.Path, map.Offset), map.Count);
            var second = FindOptimized(map, "ember_second");
            Assert.Equal(first, FindOptimized(map, "ember_first"));
            Assert.NotEqual(first.Start, second.Start);

            // The optimized code lies in anonymous executable memory of the process.
            var mapping = ProcMapsParser.Read(process.Id).Single(m => m.Contains(second.Start));
            Assert.True(mapping.IsExecutable);
            Assert.Equal(MappingKind.Anonymous, mapping.Kind);
        }
        finally
        {
            process.StandardInput.Close();
            process.WaitForExit(10_000);
        }
    }

    [Fact]
    public void A_map_that_shrank_or_was_rewritten_is_read_again_from_the_start()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-perfmap-").FullName, "perf-1.map");
        File.WriteAllText(path, "1000 10 first\n2000 10 second\n");
        var map = new PerfMapFile(path);
        Assert.True(map.Refresh());
        Assert.Equal("second", map.Lookup(0x2005)?.Name);

        File.WriteAllText(path, "3000 10 other process\n");
        Assert.True(map.Refresh());
        Assert.Equal(1, map.Count);
        Assert.Null(map.Lookup(0x1005));
        Assert.Equal("other process", map.Lookup(0x3005)?.Name);

        // Same length, different content: a new process reused the PID.
        File.WriteAllText(path, "4000 10 other procesX\n");
        Assert.True(map.Refresh());
        Assert.Equal("other procesX", map.Lookup(0x4005)?.Name);
        Assert.Null(map.Lookup(0x3005));
    }

    [Fact]
    public void An_incomplete_last_line_is_read_once_it_is_complete()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-perfmap-").FullName, "perf-2.map");
        File.WriteAllText(path, "1000 10 done\n2000 10 half");
        var map = new PerfMapFile(path);
        Assert.True(map.Refresh());
        Assert.Equal(1, map.Count);
        Assert.Null(map.Lookup(0x2001));

        File.AppendAllText(path, "-written\n");
        Assert.True(map.Refresh());
        Assert.Equal("half-written", map.Lookup(0x2001)?.Name);
        Assert.False(map.Refresh());
    }

    [Fact]
    public void Later_lines_win_where_ranges_overlap_and_gaps_have_no_name()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-perfmap-").FullName, "perf-3.map");
        File.WriteAllText(path, "0x1000 1000 [stub block]\n1100 20 Foo::Bar(int, char const*)[Optimized]\n1100 20 Foo::Bar(int, char const*)[Tier1]\n5000 10 tail\n\nnot a line\n");
        var map = new PerfMapFile(path);
        map.Refresh();

        Assert.Equal(4, map.Count);
        Assert.Equal("[stub block]", map.Lookup(0x1000)?.Name);
        Assert.Equal("Foo::Bar(int, char const*)[Tier1]", map.Lookup(0x1110)?.Name);
        Assert.Equal("[stub block]", map.Lookup(0x1120)?.Name);
        Assert.Null(map.Lookup(0x2000));
        Assert.Null(map.Lookup(0x4fff));
        Assert.Equal("tail", map.Lookup(0x500f)?.Name);
        Assert.Null(map.Lookup(0x5010));
    }

    [Fact]
    public void A_missing_map_has_no_symbols()
    {
        var map = new PerfMapFile("/tmp/perf-does-not-exist-0.map");
        Assert.False(map.Refresh());
        Assert.Null(map.Lookup(0x1000));
    }

    /// <summary>
    /// Every sample perf attributed to a perf-PID.map must get the same name from us, except where
    /// ranges nest (.NET stub blocks hold individual stubs): perf then may pick the enclosing block,
    /// while we pick the line written last; both must contain the address.
    /// </summary>
    private static int CompareWithPerf(IReadOnlyList<PerfPeer.Sample> samples)
    {
        var maps = new Dictionary<string, PerfMapFile>();
        var compared = 0;
        foreach (var sample in samples.Where(s => s.Dso.StartsWith("/tmp/perf-", StringComparison.Ordinal)))
        {
            if (!maps.TryGetValue(sample.Dso, out var map))
            {
                map = new PerfMapFile(sample.Dso);
                Assert.True(map.Refresh());
                maps[sample.Dso] = map;
            }

            var ours = map.Lookup(sample.Ip);
            Assert.NotNull(ours);
            if (ours.Value.Name != sample.Symbol)
            {
                var containing = File.ReadLines(sample.Dso)
                    .Select(l => PerfMapFile.TryParseLine(l, out var symbol) ? symbol : default)
                    .Where(symbol => symbol.Contains(sample.Ip))
                    .ToList();
                Assert.Contains(containing, symbol => symbol.Name == sample.Symbol);
                Assert.Equal(containing[^1], ours.Value);
            }

            compared++;
        }

        return compared;
    }

    private static void JitFunction(Process process, string name)
    {
        process.StandardInput.WriteLine(name);
        process.StandardInput.Flush();
        var reply = process.StandardOutput.ReadLine();
        Assert.StartsWith("done ", reply, StringComparison.Ordinal);
    }

    private static PerfMapSymbol FindOptimized(PerfMapFile map, string function)
    {
        var line = File.ReadLines(map.Path).First(l => l.Contains($"JS:*{function} ", StringComparison.Ordinal) || l.Contains($"JS:^{function} ", StringComparison.Ordinal));
        Assert.True(PerfMapFile.TryParseLine(line, out var expected));
        var found = map.Lookup(expected.Start + 1);
        Assert.Equal(expected, found);
        return found!.Value;
    }

    private static int CountLines(string path, long upTo)
    {
        var bytes = File.ReadAllBytes(path).AsSpan(0, (int)upTo);
        return Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
