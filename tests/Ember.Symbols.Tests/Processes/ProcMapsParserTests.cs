using Ember.Symbols.Processes;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Processes;

/// <summary>/proc/PID/maps parsing, on literal kernel-format lines and on the maps of live processes.</summary>
public sealed class ProcMapsParserTests
{
    [Fact]
    public void A_file_mapping_line_yields_every_field()
    {
        Assert.True(ProcMapsParser.TryParseLine(
            "7f1c2c021000-7f1c2c1b6000 r-xp 00028000 fe:01 1835061                    /usr/lib/x86_64-linux-gnu/libc.so.6",
            out var mapping));
        Assert.Equal(new ProcessMapping(0x7f1c2c021000, 0x7f1c2c1b6000, MappingPermissions.Read | MappingPermissions.Execute,
            0x28000, 0xfe, 0x01, 1835061, "/usr/lib/x86_64-linux-gnu/libc.so.6", false), mapping);
        Assert.Equal(MappingKind.File, mapping.Kind);
        Assert.True(mapping.IsExecutable);
    }

    [Theory]
    [InlineData("55d0e8a00000-55d0e8a21000 rw-p 00000000 00:00 0                          [heap]", "[heap]", MappingKind.Pseudo, false)]
    [InlineData("7ffd3a5f2000-7ffd3a5f4000 r-xp 00000000 00:00 0                          [vdso]", "[vdso]", MappingKind.Vdso, false)]
    [InlineData("7f00aa000000-7f00aa100000 rwxp 00000000 00:00 0                          [anon:dotnet-jit]", "[anon:dotnet-jit]", MappingKind.NamedAnonymous, false)]
    [InlineData("7f00aa000000-7f00aa100000 rw-s 00000000 00:01 4242                       [anon_shmem:ring]", "[anon_shmem:ring]", MappingKind.NamedAnonymous, false)]
    [InlineData("7f00aa000000-7f00aa100000 rwxp 00000000 00:00 0 ", "", MappingKind.Anonymous, false)]
    [InlineData("7f00aa000000-7f00aa100000 rwxp 00000000 00:00 0", "", MappingKind.Anonymous, false)]
    [InlineData("7f00aa000000-7f00aa100000 r-xp 00001000 08:02 77 /opt/my app/bin/the server (deleted)", "/opt/my app/bin/the server", MappingKind.File, true)]
    [InlineData("7f00aa000000-7f00aa100000 r-xp 00001000 08:02 77 /opt/app (deleted) (deleted)", "/opt/app (deleted)", MappingKind.File, true)]
    [InlineData("7f00aa000000-7f00aa100000 r-xp 00000000 00:01 88 /memfd:jit-code (deleted)", "/memfd:jit-code", MappingKind.File, true)]
    [InlineData("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", "[vsyscall]", MappingKind.Pseudo, false)]
    public void Special_paths_are_classified(string line, string path, MappingKind kind, bool deleted)
    {
        Assert.True(ProcMapsParser.TryParseLine(line, out var mapping));
        Assert.Equal(path, mapping.Path);
        Assert.Equal(kind, mapping.Kind);
        Assert.Equal(deleted, mapping.IsDeleted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("7f00-7e00 r-xp 00000000 00:00 0")]
    [InlineData("7f00-7f80 r-x 00000000 00:00 0")]
    [InlineData("zz00-7f80 r-xp 00000000 00:00 0")]
    [InlineData("7f00-7f80 r-xp 00000000 0000 0")]
    [InlineData("7f00-7f80 r-xp 00000000 00:00 x")]
    public void Malformed_lines_are_rejected(string line) =>
        Assert.False(ProcMapsParser.TryParseLine(line, out _));

    [Fact]
    public void Maps_of_a_live_process_whose_binary_path_has_spaces_and_was_deleted_parse_with_that_path()
    {
        var directory = Directory.CreateTempSubdirectory("ember maps ").FullName;
        var binary = Path.Combine(directory, "fixture with spaces");
        File.Copy(NativeFixtures.Binaries["gcc-pie-O2"], binary);
        File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var process = new FixtureProcess(binary);
        File.Delete(binary);

        var raw = File.ReadAllLines($"/proc/{process.Pid}/maps");
        var mappings = ProcMapsParser.Read(process.Pid);

        Assert.Equal(raw.Length, mappings.Count);
        var own = mappings.Where(m => m.Path == binary).ToList();
        Assert.NotEmpty(own);
        Assert.All(own, m => Assert.True(m.IsDeleted));
        Assert.Contains(own, m => m.IsExecutable && m.Contains(process.PrintedAddresses["global_fn_7"]));
        Assert.Contains(mappings, m => m.Kind == MappingKind.Vdso);
        Assert.Contains(mappings, m => m.Kind == MappingKind.Pseudo && m.Path == "[stack]");
        Assert.Contains(mappings, m => m.Path.EndsWith("/libshared.so", StringComparison.Ordinal) && m.Contains(process.PrintedAddresses["shared_helper"]));
    }
}
