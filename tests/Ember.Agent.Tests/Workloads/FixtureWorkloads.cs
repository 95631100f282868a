using System.Diagnostics;
using System.Globalization;
using Ember.TestSupport;

namespace Ember.Agent.Tests.Workloads;

/// <summary>
/// The workloads the record tests sample, each built once per test run from tests/fixtures with
/// the toolchain a user would use: gcc with frame pointers, go build with symbols stripped, and the
/// .NET SDK (DotnetWorkload is a project reference, built with the tests).
/// </summary>
internal static class FixtureWorkloads
{
    private static readonly Lazy<string> NativeRatioBinary = new(BuildNativeRatio, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> ShortLivedBinary = new(BuildShortLived, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> NoFramePointersBinary = new(BuildNoFramePointers, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> StrippedGoBinary = new(BuildStrippedGo, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>C program burning CPU 3:1 in three_quarters_work and one_quarter_work, called from run_rounds and main.</summary>
    public static Process StartNativeRatio(TimeSpan duration) => Start(NativeRatioBinary.Value, [Seconds(duration)]);

    /// <summary>C program that burns <paramref name="cpuTime"/> of its own CPU time in burn_cpu (called from main), then exits.</summary>
    public static Process StartShortLived(TimeSpan cpuTime) =>
        Start(ShortLivedBinary.Value, [((int)cpuTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]);

    /// <summary>True for a stack (frame names, leaf first) of the short-lived program's work: burn_cpu called from main.</summary>
    public static bool IsShortLivedWork(IEnumerable<string> frames)
    {
        var names = frames.ToList();
        var burn = names.IndexOf("burn_cpu");
        return burn >= 0 && burn + 1 < names.Count && names[burn + 1] == "main";
    }

    /// <summary>The short-lived program's path, as /proc/PID/exe names it.</summary>
    public static string ShortLivedPath => ShortLivedBinary.Value;

    /// <summary>
    /// C program built -O2 without frame pointers that burns <paramref name="duration"/> of its own CPU
    /// time in spin(), always through <see cref="NoFramePointersChain"/>; only .eh_frame can unwind it.
    /// </summary>
    public static Process StartNoFramePointers(TimeSpan duration) => Start(NoFramePointersBinary.Value, [Seconds(duration)]);

    /// <summary>The no-frame-pointer program's call chain while it burns CPU, leaf first.</summary>
    public static IReadOnlyList<string> NoFramePointersChain { get; } = ["spin", "stage_d", "stage_c", "stage_b", "stage_a", "run", "main"];

    /// <summary>The no-frame-pointer program's path, for checking how gcc built it.</summary>
    public static string NoFramePointersPath => NoFramePointersBinary.Value;

    /// <summary>tests/fixtures/goprof built with <c>-ldflags=-s -w</c>: no .symtab, no DWARF, only .gopclntab names its functions.</summary>
    public static Process StartStrippedGo(TimeSpan duration) => Start(StrippedGoBinary.Value, ["-duration", $"{(int)duration.TotalSeconds}s", "-hot", "0.7"]);

    /// <summary>The stripped Go binary's path, for checking that it really has no symbol table.</summary>
    public static string StrippedGoPath => StrippedGoBinary.Value;

    /// <summary>The .NET workload; with <paramref name="perfMap"/>, DOTNET_PerfMapEnabled=1, so the runtime writes /tmp/perf-PID.map.</summary>
    public static Process StartDotnet(TimeSpan duration, bool perfMap = true)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DotnetWorkload.dll"));
        start.ArgumentList.Add(Seconds(duration));
        if (perfMap)
        {
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
        }
        else
        {
            start.Environment.Remove("DOTNET_PerfMapEnabled");
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the .NET workload");
    }

    /// <summary>Node.js running tests/fixtures/node-hot/hot.js with --perf-basic-prof, so V8 writes /tmp/perf-PID.map; nearly all its CPU is in spinHot.</summary>
    public static Process StartNode(TimeSpan duration)
    {
        var start = new ProcessStartInfo(ExternalProcess.Require("node", "nodejs")) { RedirectStandardOutput = true };
        start.ArgumentList.Add("--perf-basic-prof");
        start.ArgumentList.Add(Path.Combine(GoPeer.FixtureDirectory("node-hot"), "hot.js"));
        start.ArgumentList.Add(Seconds(duration));
        return Process.Start(start) ?? throw new InvalidOperationException("could not start node");
    }

    /// <summary>
    /// The JVM running tests/fixtures/java-hot/Hot.java (compiled once with javac) with
    /// -XX:+PreserveFramePointer, so its compiled frames chain; nearly all its CPU is in Hot.spinHot.
    /// Returns once C2 (tier 4) compiled Hot.spinHot, as -XX:+PrintCompilation says on its standard
    /// output, which is drained from then on so the JVM never blocks on it.
    /// </summary>
    public static Process StartJava(TimeSpan duration)
    {
        var start = new ProcessStartInfo(ExternalProcess.Require("java", "openjdk-17-jdk-headless")) { RedirectStandardOutput = true };
        foreach (var argument in new[] { "-XX:+PreserveFramePointer", "-XX:+PrintCompilation", "-cp", JavaClasses.Value, "Hot", Seconds(duration) })
        {
            start.ArgumentList.Add(argument);
        }

        var java = Process.Start(start) ?? throw new InvalidOperationException("could not start java");
        var compiled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() =>
        {
            while (java.StandardOutput.ReadLine() is { } line)
            {
                if (C2Compiled.IsMatch(line))
                {
                    compiled.TrySetResult();
                }
            }

            compiled.TrySetException(new InvalidOperationException($"java exited before C2 compiled Hot.spinHot"));
        });
        if (!compiled.Task.Wait(CompileDeadline))
        {
            java.Kill();
            throw new TimeoutException($"C2 did not compile Hot.spinHot within {CompileDeadline.TotalSeconds} s");
        }

        return java;
    }

    /// <summary>A -XX:+PrintCompilation line of a tier-4 (C2) compile of spinHot, not an on-stack replacement (%).</summary>
    private static readonly System.Text.RegularExpressions.Regex C2Compiled = new(@"^\s*\d+\s+\d+\s+[^%]{0,6}\s4\s+Hot::spinHot \(");

    private static readonly TimeSpan CompileDeadline = TimeSpan.FromSeconds(60);

    private static readonly Lazy<string> JavaClasses = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("ember-java-").FullName;
        ExternalProcess.RunChecked(ExternalProcess.Require("javac", "openjdk-17-jdk-headless"), ["-d", directory, Path.Combine(GoPeer.FixtureDirectory("java-hot"), "Hot.java")]);
        return directory;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Seconds(TimeSpan duration) => ((int)duration.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Process Start(string binary, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
    }

    private static string BuildNativeRatio()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var binary = Path.Combine(Directory.CreateTempSubdirectory("ember-ratio-").FullName, "ratio");
        ExternalProcess.RunChecked(gcc, ["-O0", "-g", "-fno-omit-frame-pointer", "-o", binary, Path.Combine(GoPeer.FixtureDirectory("native-ratio"), "ratio.c")]);
        return binary;
    }

    private static string BuildShortLived()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var binary = Path.Combine(Directory.CreateTempSubdirectory("ember-short-lived-").FullName, "short-lived");
        ExternalProcess.RunChecked(gcc, ["-O0", "-g", "-fno-omit-frame-pointer", "-o", binary, Path.Combine(GoPeer.FixtureDirectory("short-lived"), "short_lived.c")]);
        return binary;
    }

    private static string BuildNoFramePointers()
    {
        var gcc = ExternalProcess.Require("gcc", "gcc");
        var binary = Path.Combine(Directory.CreateTempSubdirectory("ember-no-fp-").FullName, "no_fp");
        ExternalProcess.RunChecked(gcc, ["-O2", "-g", "-fomit-frame-pointer", "-fno-optimize-sibling-calls", "-o", binary, Path.Combine(GoPeer.FixtureDirectory("no-fp"), "no_fp.c")]);
        return binary;
    }

    private static string BuildStrippedGo() => GoPeer.BuildFixture("goprof-stripped", "-ldflags=-s -w");
}
