using System.Text.RegularExpressions;
using Ember.Symbols.Elf;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Elf;

/// <summary>GNU build IDs compared with readelf -n and file.</summary>
public sealed partial class BuildIdTests
{
    public static TheoryData<string> Binaries
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var variant in NativeFixtures.Variants)
            {
                data.Add(variant);
            }

            data.Add("/usr/lib/x86_64-linux-gnu/libc.so.6");
            data.Add("/usr/bin/ls");
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public void Gnu_build_id_matches_readelf_and_file(string binary)
    {
        var path = binary.StartsWith('/') ? binary : NativeFixtures.Binaries[binary];
        var readelf = ExternalProcess.RunChecked(ExternalProcess.Require("readelf", "binutils"), ["-n", path]);
        var file = ExternalProcess.RunChecked(ExternalProcess.Require("file", "file"), ["-b", "-L", path]);
        var fromReadelf = ReadelfBuildId().Match(readelf);
        var fromFile = FileBuildId().Match(file);

        using var elf = ElfFile.Open(path);
        if (binary == "gcc-no-build-id")
        {
            Assert.False(fromReadelf.Success);
            Assert.Null(elf.GnuBuildId);
            return;
        }

        Assert.True(fromReadelf.Success, $"readelf found no build ID in {path}");
        Assert.Equal(fromReadelf.Groups[1].Value, elf.GnuBuildId);
        Assert.Equal(fromFile.Groups[1].Value, elf.GnuBuildId);
        Assert.Null(elf.GoBuildId);
    }

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex ReadelfBuildId();

    [GeneratedRegex(@"BuildID\[[a-z0-9]+\]=([0-9a-f]+)")]
    private static partial Regex FileBuildId();
}
