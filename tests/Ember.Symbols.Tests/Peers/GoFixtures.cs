namespace Ember.Symbols.Tests.Peers;

/// <summary>
/// The Go fixture (tests/fixtures/symbols/go) built by the machine's Go toolchain, offline and once per
/// test run: stripped (<c>-s -w</c>) and unstripped, each as a fixed-address and a position-independent executable.
/// </summary>
internal static class GoFixtures
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> _built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static readonly Dictionary<string, string> Environment = new()
    {
        ["GOTOOLCHAIN"] = "local",
        ["GOPROXY"] = "off",
        ["GOFLAGS"] = "-mod=mod",
        ["GOTELEMETRY"] = "off",
        ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "ember-go-cache"),
        ["HOME"] = Path.GetTempPath(),
    };

    public static string Go => ExternalProcess.Require("go", "golang-go");

    /// <summary>Paths of the builds: <c>stripped</c>, <c>full</c>, <c>pie-stripped</c>, <c>pie-full</c>.</summary>
    public static IReadOnlyDictionary<string, string> Binaries => _built.Value;

    /// <summary>Runs <c>go tool NAME args</c> and returns its standard output.</summary>
    public static string Tool(string name, IEnumerable<string> arguments, string? standardInput = null) =>
        ExternalProcess.RunChecked(Go, ["tool", name, .. arguments], environment: Environment, standardInput: standardInput);

    private static Dictionary<string, string> Build()
    {
        var source = ExternalProcess.FixturePath("symbols/go");
        var output = Directory.CreateTempSubdirectory("ember-symbols-go-").FullName;
        var result = new Dictionary<string, string>();
        foreach (var (name, flags) in new (string, string[])[]
        {
            ("stripped", ["-ldflags=-s -w"]),
            ("full", []),
            ("pie-stripped", ["-buildmode=pie", "-ldflags=-s -w"]),
            ("pie-full", ["-buildmode=pie"]),
        })
        {
            var binary = Path.Combine(output, name);
            ExternalProcess.RunChecked(Go, ["build", .. flags, "-o", binary, "."], source, Environment);
            result[name] = binary;
        }

        return result;
    }
}
