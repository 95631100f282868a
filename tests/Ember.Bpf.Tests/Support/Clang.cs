using System.Runtime.InteropServices;

namespace Ember.Bpf.Tests.Support;

/// <summary>clang-14 builds the tests' fixtures: small C programs and BPF objects.</summary>
internal static class Clang
{
    public static string Path => Tools.Require("clang-14", "clang-14");

    /// <summary>Compiles a host program; extra arguments go before the source.</summary>
    public static string CompileProgram(string source, string output, params string[] arguments)
    {
        Tools.Run(Path, [.. arguments, "-o", output, source]);
        return output;
    }

    /// <summary>
    /// Compiles a BPF object for a test (not the committed profiler). Tests may include the uapi
    /// headers: the multiarch directory that holds asm/ is added to the include path.
    /// </summary>
    public static byte[] CompileBpf(string source, TempDirectory directory)
    {
        var multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        var output = directory.File(System.IO.Path.GetFileNameWithoutExtension(source) + ".o");
        Tools.Run(Path, ["-g", "-O2", "-target", "bpf", "-idirafter", "/usr/include/" + multiarch, "-c", source, "-o", output]);
        return File.ReadAllBytes(output);
    }
}
