using BenchmarkDotNet.Running;
using Ember.Benchmarks;

// --bridge-load [--requests N] [--concurrency C] [--seconds S]: only the ember-bridge load generator.
if (args.Contains("--bridge-load"))
{
    string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    await BridgeLoad.RunAsync(
        int.Parse(Value("--requests") ?? "5000", System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Value("--concurrency") ?? "8", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Value("--seconds") ?? "60", System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}

// --unwind-corpus [N]: unwind-table memory of the first N distinct ELF files on this machine (default 1000).
if (Array.IndexOf(args, "--unwind-corpus") is var corpus and >= 0 && OperatingSystem.IsLinux())
{
    UnwindCorpus.Run(corpus + 1 < args.Length ? int.Parse(args[corpus + 1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
    return 0;
}

// --peer-only [--bridge PATH] [--iterations N]: only the side-by-side run against go tool pprof.
// Anything else goes to BenchmarkDotNet (e.g. --filter '*'), after the side-by-side run.
var peerOnly = args.Contains("--peer-only");
var bridgeIndex = Array.IndexOf(args, "--bridge");
var bridge = bridgeIndex >= 0 && bridgeIndex + 1 < args.Length ? args[bridgeIndex + 1] : null;
var iterationsIndex = Array.IndexOf(args, "--iterations");
var iterations = iterationsIndex >= 0 && iterationsIndex + 1 < args.Length ? int.Parse(args[iterationsIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 7;

PeerComparison.Run(bridge, iterations);
if (peerOnly)
{
    return 0;
}

var rest = args.Where((a, i) => a is not ("--peer-only" or "--bridge" or "--iterations") && (i == 0 || args[i - 1] is not ("--bridge" or "--iterations"))).ToArray();
BenchmarkSwitcher.FromAssembly(typeof(CodecBenchmarks).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest);
return 0;
