using Ember.Bpf.Tests.Support;

namespace Ember.Bpf.Tests;

/// <summary>
/// The committed bpf/profiler.bpf.o is what bpf/profiler.bpf.c compiles to, byte for byte, with
/// the flags of <c>./build.ps1 -Bpf</c>, wherever the repository and the working directory are.
/// </summary>
public sealed class ProfilerObjectBuildTests
{
    [Fact]
    public void Committed_profiler_object_is_a_fresh_and_reproducible_compile_of_its_source()
    {
        var committed = File.ReadAllBytes(Path.Combine(Tools.RepositoryRoot, "bpf", "profiler.bpf.o"));
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        // Two copies of the sources at different paths, compiled from different working directories.
        var builds = new[] { (first, Tools.RepositoryRoot), (second, "/") }.Select(build =>
        {
            var (directory, workingDirectory) = build;
            var sources = Path.Combine(directory.Path, "a", "bpf");
            Directory.CreateDirectory(sources);
            foreach (var file in new[] { "profiler.bpf.c", "profiler.h" })
            {
                File.Copy(Path.Combine(Tools.RepositoryRoot, "bpf", file), Path.Combine(sources, file));
            }

            var output = directory.File("profiler.bpf.o");
            Tools.Run(Clang.Path, ["-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86", "-c", Path.Combine(sources, "profiler.bpf.c"), "-o", output], workingDirectory);
            Tools.Run(Tools.Require("llvm-strip-14", "llvm-14"), ["-g", output]);
            return File.ReadAllBytes(output);
        }).ToArray();

        Assert.True(builds[0].AsSpan().SequenceEqual(builds[1]), "two compiles of profiler.bpf.c differ: the build is not reproducible");
        Assert.True(committed.AsSpan().SequenceEqual(builds[0]), "bpf/profiler.bpf.o is stale: run ./build.ps1 -Bpf and commit it");
    }
}
