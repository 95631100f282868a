using System.Diagnostics;
using System.Globalization;
using Ember.Profiles.Conversion;
using Ember.Profiles.Otlp;
using Profile = Ember.Profiles.Pprof.Profile;
using Ember.Profiles.Pprof;

namespace Ember.Benchmarks;

/// <summary>
/// Times Ember's pprof read+write round trip against <c>go tool pprof -proto</c> re-encoding the
/// same file, in the same run on the same machine. The peer is timed as a whole process (that is
/// how it is used); Ember is timed both in-process and as the <c>ember-bridge convert</c> process
/// when its path is given.
/// </summary>
internal static class PeerComparison
{
    public static ProfilesData ToOtlp(Profile profile) => PprofToOtlp.Convert(profile);

    public static Profile ToPprof(ProfilesData data) => OtlpToPprof.ConvertMerged(data);

    public static int Run(string? bridgeExecutable, int iterations)
    {
        var directory = Directory.CreateTempSubdirectory("ember-bench-").FullName;
        var input = Path.Combine(directory, "synthetic.pb.gz");
        var profile = SyntheticProfile.Create();
        File.WriteAllBytes(input, PprofCodec.EncodeGzip(profile));
        var compressed = new FileInfo(input).Length;
        var raw = PprofCodec.Encode(profile).Length;
        Console.WriteLine(Invariant($"profile: {profile.Samples.Count} samples, {profile.Functions.Count} functions, {profile.Locations.Count} locations; {compressed / 1024.0 / 1024:F2} MiB gzip, {raw / 1024.0 / 1024:F2} MiB raw"));

        var ember = Median(iterations, () =>
        {
            var decoded = PprofCodec.Decode(File.ReadAllBytes(input));
            File.WriteAllBytes(Path.Combine(directory, "ember.pb.gz"), PprofCodec.EncodeGzip(decoded));
        });

        double? emberProcess = null;
        if (bridgeExecutable is not null)
        {
            emberProcess = Median(iterations, () => Exec(bridgeExecutable, "convert", input, Path.Combine(directory, "cli.pb.gz"), "--to", "pprof"));
        }

        var go = FindOnPath("go") ?? throw new InvalidOperationException("go is not installed (Debian package golang-go)");
        var peer = Median(iterations, () => Exec(go, "tool", "pprof", "-proto", "-output", Path.Combine(directory, "go.pb.gz"), input));

        Console.WriteLine();
        Console.WriteLine("| pprof.gz read + write (median of " + iterations + ") | ms | MB/s (raw) | vs go tool pprof -proto |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("Ember in-process (PprofCodec.Decode + EncodeGzip)", ember, raw, peer);
        if (emberProcess is { } p)
        {
            Row("Ember process (`ember-bridge convert --to pprof`)", p, raw, peer);
        }

        Row("go tool pprof -proto (process)", peer, raw, peer);
        Directory.Delete(directory, recursive: true);
        return 0;
    }

    private static void Row(string name, double ms, long rawBytes, double peerMs) =>
        Console.WriteLine(Invariant($"| {name} | {ms:F1} | {rawBytes / 1e6 / (ms / 1000):F0} | {peerMs / ms:F1}x |"));

    private static double Median(int iterations, Action action)
    {
        action(); // warm-up: JIT, page cache
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static void Exec(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GOTOOLCHAIN"] = "local";
        start.Environment["PPROF_TMPDIR"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} exited {process.ExitCode}: {stderr.Result}");
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
