namespace Ember.Symbols.Tests.Peers;

/// <summary>
/// The C fixture (tests/fixtures/symbols/native) compiled with the machine's real compilers, once per
/// test run, in several shapes: PIE and fixed-address executables, with and without frame pointers,
/// gcc and clang, a shared object, and a stripped copy of it that keeps only <c>.dynsym</c>.
/// </summary>
internal static class NativeFixtures
{
    private static readonly Lazy<Built> _compiled = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    public sealed record Built(string Directory, IReadOnlyDictionary<string, string> Binaries)
    {
        public string this[string name] => Binaries[name];
    }

    /// <summary>Names of every compiled executable and library variant.</summary>
    public static readonly string[] Variants =
    [
        "gcc-pie-O2", "gcc-nopie-O2", "gcc-pie-O0-fp", "gcc-nopie-O1-fp", "clang-pie-O2", "clang-nopie-O0-fp",
        "gcc-no-build-id", "libshared.so", "libshared-stripped.so",
    ];

    public static Built Binaries => _compiled.Value;

    private static Built Compile()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var clang = ExternalProcess.Require("clang-14", "clang-14");
        var strip = ExternalProcess.Require("strip", "binutils");
        var sources = ExternalProcess.FixturePath("symbols/native");
        var output = Directory.CreateTempSubdirectory("ember-symbols-native-").FullName;
        var workload = Path.Combine(sources, "workload.c");
        var shared = Path.Combine(sources, "shared.c");
        var binaries = new Dictionary<string, string>();

        string Build(string compiler, string name, params string[] flags)
        {
            var target = Path.Combine(output, name);
            ExternalProcess.RunChecked(compiler, [.. flags, "-o", target]);
            binaries[name] = target;
            return target;
        }

        Build(gcc, "libshared.so", "-O2", "-fPIC", "-shared", shared);
        var stripped = Path.Combine(output, "libshared-stripped.so");
        ExternalProcess.RunChecked(strip, ["-o", stripped, binaries["libshared.so"]]);
        binaries["libshared-stripped.so"] = stripped;

        string[] link = ["-L", output, "-lshared", "-Wl,-rpath," + output];
        Build(gcc, "gcc-pie-O2", ["-O2", "-fPIE", "-pie", workload, .. link]);
        Build(gcc, "gcc-nopie-O2", ["-O2", "-fno-pie", "-no-pie", workload, .. link]);
        Build(gcc, "gcc-pie-O0-fp", ["-O0", "-fno-omit-frame-pointer", "-fPIE", "-pie", workload, .. link]);
        Build(gcc, "gcc-nopie-O1-fp", ["-O1", "-fno-omit-frame-pointer", "-fno-pie", "-no-pie", workload, .. link]);
        Build(clang, "clang-pie-O2", ["-O2", "-fPIE", "-pie", workload, .. link]);
        Build(clang, "clang-nopie-O0-fp", ["-O0", "-fno-omit-frame-pointer", "-fno-pie", "-no-pie", workload, .. link]);
        Build(gcc, "gcc-no-build-id", ["-O2", "-Wl,--build-id=none", workload, .. link]);
        return new Built(output, binaries);
    }
}
