using Ember.Symbols.Processes;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// The runtimes the agent recognises, and which one each process hosts: detected from its
/// /proc/PID/maps when its first JIT frame is symbolized (the runtime is loaded by then), and
/// remembered until the process is forgotten. Not thread-safe: one symbolization stage uses it.
/// </summary>
public sealed class RuntimeRegistry(IReadOnlyList<IRuntimeDetector> detectors, string procRoot = "/proc")
{
    /// <summary>The frame type of JIT code in a process that maps no known runtime.</summary>
    public const string NativeFrameType = "native";

    private readonly Dictionary<int, IRuntimeDetector?> _runtimes = [];

    /// <summary>
    /// The runtimes whose JIT writes perf-PID.map files: .NET (libcoreclr.so), the JVM (libjvm.so),
    /// CPython (libpython3.x, or a python3.x executable that links it statically) and Node.js
    /// (its node executable, or libnode.so when embedded).
    /// </summary>
    public static IReadOnlyList<IRuntimeDetector> Known { get; } =
    [
        new MappedFileDetector(
            "dotnet", name => name == "libcoreclr.so", "[.NET JIT code]",
            "start it with DOTNET_PerfMapEnabled=3 (JIT code only; 1 adds perfinfo files), or run the agent with --enable-perf-maps to ask the running process (.NET 8+)"),
        new MappedFileDetector(
            "jvm", name => name == "libjvm.so", "[JVM JIT code]",
            "run 'jcmd PID Compiler.perfmap' (JDK 17+) as the JIT compiles; start it with -XX:+PreserveFramePointer for whole stacks"),
        new MappedFileDetector(
            "cpython", name => name.StartsWith("libpython3", StringComparison.Ordinal) || name.StartsWith("python3", StringComparison.Ordinal), "[Python JIT code]",
            "start it with -X perf (CPython 3.12+) for perf trampolines"),
        new MappedFileDetector(
            "v8js", name => name is "node" or "nodejs" || name.StartsWith("libnode.so", StringComparison.Ordinal), "[V8 JIT code]",
            "start node with --perf-basic-prof-only-functions (or --perf-basic-prof)"),
    ];

    /// <summary>The first runtime loaded in <paramref name="mappings"/>, or null for none.</summary>
    public IRuntimeDetector? Detect(IReadOnlyList<ProcessMapping> mappings) => detectors.FirstOrDefault(d => d.IsLoadedIn(mappings));

    /// <summary>The <c>profile.frame.type</c> for JIT frames of <paramref name="pid"/>; "native" when no runtime is known or the process is gone.</summary>
    public string JitFrameType(int pid) => RuntimeOf(pid)?.FrameType ?? NativeFrameType;

    /// <summary>The runtime <paramref name="pid"/> hosts, detected on first need; null when none is known or the process is gone.</summary>
    public IRuntimeDetector? RuntimeOf(int pid)
    {
        if (!_runtimes.TryGetValue(pid, out var runtime))
        {
            runtime = Detect(ReadMappings(pid));
            _runtimes[pid] = runtime;
        }

        return runtime;
    }

    /// <summary>Forgets what was detected for an exited process.</summary>
    public void Forget(int pid) => _runtimes.Remove(pid);

    private IReadOnlyList<ProcessMapping> ReadMappings(int pid)
    {
        try
        {
            return ProcMapsParser.Read(pid, procRoot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone or not ours to read: no runtime to name.
            return [];
        }
    }
}
