namespace Ember.TestSupport;

/// <summary>
/// The Go toolchain as a peer: builds the fixture workload (tests/fixtures/goprof), which writes
/// real runtime/pprof CPU and heap profiles, and runs <c>go tool pprof</c> on files we wrote.
/// Built once per test run; offline (GOPROXY=off, GOTOOLCHAIN=local, standard library only).
/// </summary>
public static class GoPeer
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Profiles> Generated = new(Generate, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record Profiles(string CpuProfile, string HeapProfile);

    /// <summary>A CPU profile (2 s of CPU, 70:30 in main.hotLoop and main.coldLoop by construction) and a heap profile written by the Go runtime.</summary>
    public static Profiles RuntimeProfiles => Generated.Value;

    /// <summary>
    /// The fixture workload binary: <c>goprof -cpu FILE -duration 5s -hot 0.7</c> burns that much CPU,
    /// 70% of it in <c>main.hotLoop</c> and 30% in <c>main.coldLoop</c> (Go keeps frame pointers).
    /// </summary>
    public static string FixtureBinary => Built.Value;

    private static string Go => ExternalProcess.Require("go", "golang-go");

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["GOTOOLCHAIN"] = "local",
        ["GOPROXY"] = "off",
        ["GOFLAGS"] = "-mod=mod",
        ["GOTELEMETRY"] = "off",
        ["TZ"] = "UTC",
        ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "ember-go-cache"),
        ["HOME"] = Path.GetTempPath(),
        ["PPROF_TMPDIR"] = Path.Combine(Path.GetTempPath(), "ember-pprof-tmp"),
    };

    /// <summary><c>go tool pprof</c> with the given arguments, returning standard output.</summary>
    public static string Pprof(params string[] arguments) =>
        ExternalProcess.RunChecked(Go, ["tool", "pprof", .. arguments], environment: Environment);

    public static string FixtureDirectory(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Builds tests/fixtures/goprof offline into a new temporary directory, with extra
    /// <c>go build</c> flags (for example <c>-ldflags=-s -w</c> for a stripped binary).
    /// </summary>
    public static string BuildFixture(string binaryName, params string[] buildFlags)
    {
        var binary = Path.Combine(Directory.CreateTempSubdirectory("ember-goprof-").FullName, binaryName);
        ExternalProcess.RunChecked(Go, ["build", .. buildFlags, "-o", binary, "."], FixtureDirectory("goprof"), Environment);
        return binary;
    }

    private static string Build() => BuildFixture("goprof");

    private static Profiles Generate()
    {
        var output = Path.GetDirectoryName(FixtureBinary)!;
        var cpu = Path.Combine(output, "cpu.pb.gz");
        var heap = Path.Combine(output, "heap.pb.gz");
        // Async preemption off: its signal frames would take samples from the loops at random.
        ExternalProcess.RunChecked(FixtureBinary, ["-cpu", cpu, "-heap", heap, "-duration", "2s", "-hot", "0.7"], environment: new Dictionary<string, string>(Environment) { ["GODEBUG"] = "asyncpreemptoff=1" });
        return new Profiles(cpu, heap);
    }
}
