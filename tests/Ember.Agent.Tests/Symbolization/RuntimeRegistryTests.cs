using Ember.Agent.Symbolization.Runtimes;
using Ember.Symbols.Processes;

namespace Ember.Agent.Tests.Symbolization;

/// <summary>JIT frames take the frame type of the runtime a process maps, whatever its executable is called.</summary>
public sealed class RuntimeRegistryTests : IDisposable
{
    private readonly string _procRoot = Directory.CreateTempSubdirectory("ember-proc-").FullName;
    private readonly RuntimeRegistry _registry;

    public RuntimeRegistryTests() => _registry = new RuntimeRegistry(RuntimeRegistry.Known, _procRoot);

    public void Dispose() => Directory.Delete(_procRoot, recursive: true);

    [Theory]
    [InlineData("/srv/orders/orders", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so", "dotnet")]
    [InlineData("/opt/app/launcher", "/usr/lib/jvm/java-21/lib/server/libjvm.so", "jvm")]
    [InlineData("/usr/bin/uwsgi", "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0", "cpython")]
    [InlineData("/usr/bin/python3.11", "/usr/lib/x86_64-linux-gnu/libc.so.6", "cpython")]
    [InlineData("/usr/local/bin/node", "/usr/lib/x86_64-linux-gnu/libc.so.6", "v8js")]
    [InlineData("/usr/bin/dotnet", "/usr/lib/x86_64-linux-gnu/libc.so.6", "native")]
    public void The_jit_frame_type_comes_from_the_mapped_runtime(string executable, string library, string expected)
    {
        WriteMaps(42, executable, library);

        Assert.Equal(expected, _registry.JitFrameType(42));
    }

    [Fact]
    public void A_process_that_is_gone_has_native_jit_frames()
    {
        Assert.Equal("native", _registry.JitFrameType(7));
    }

    [Fact]
    public void Detection_is_remembered_until_the_process_is_forgotten()
    {
        WriteMaps(42, "/usr/bin/app", "/usr/lib/x86_64-linux-gnu/libc.so.6");
        Assert.Equal("native", _registry.JitFrameType(42));
        WriteMaps(42, "/usr/bin/app", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so");
        Assert.Equal("native", _registry.JitFrameType(42));

        _registry.Forget(42); // a reused pid is a new process

        Assert.Equal("dotnet", _registry.JitFrameType(42));
    }

    [Fact]
    public void Anonymous_memory_named_like_a_runtime_is_not_the_runtime()
    {
        var mappings = ProcMapsParser.Parse("7f0000000000-7f0000001000 r-xp 00000000 00:00 0                          [anon:libcoreclr.so]\n");

        Assert.Null(_registry.Detect(mappings));
    }

    private void WriteMaps(int pid, string executable, string library)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_procRoot, $"{pid}"));
        File.WriteAllText(Path.Combine(directory.FullName, "maps"), $"""
            55d0c0000000-55d0c0010000 r-xp 00001000 08:01 1001                       {executable}
            7f1c00000000-7f1c00100000 r-xp 00002000 08:01 1002                       {library}
            7f1c10000000-7f1c10001000 rwxp 00000000 00:00 0

            """);
    }
}
