using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Ember.PowerShell.Tests.Module;
using Ember.TestSupport;

namespace Ember.PowerShell.Tests.Symbols;

public sealed partial class ElfBuildIdTests : IDisposable
{
    private readonly ModuleHost _host = new();

    [Fact]
    public void Gnu_build_id_matches_readelf_and_htlhash_matches_its_definition()
    {
        var binary = ExternalProcess.Require("ls", "coreutils");
        var readelf = ExternalProcess.RunChecked(ExternalProcess.Require("readelf", "binutils"), ["-n", binary]);
        var expected = GnuBuildIdLine().Match(readelf).Groups[1].Value;

        var info = _host.Run($"Get-ElfBuildId -LiteralPath '{binary}'").ThrowOnErrors().Output.Single();

        Assert.Equal(expected, Invocation.Property<string>(info, "GnuBuildId"));
        Assert.Null(info.Properties["GoBuildId"]!.Value);
        Assert.Equal(HtlHash(binary), Invocation.Property<string>(info, "HtlHash"));
    }

    [Fact]
    public void Go_build_id_matches_go_tool_buildid()
    {
        var binary = GoPeer.FixtureBinary;
        var expected = ExternalProcess.RunChecked(ExternalProcess.Require("go", "golang-go"), ["tool", "buildid", binary],
            environment: new Dictionary<string, string> { ["GOTOOLCHAIN"] = "local", ["HOME"] = Path.GetTempPath() }).Trim();

        var info = _host.Run("$b | Get-ElfBuildId", new Dictionary<string, object?> { ["b"] = binary }).ThrowOnErrors().Output.Single();

        Assert.Equal(expected, Invocation.Property<string>(info, "GoBuildId"));
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_an_error_with_the_path_as_target()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "#!/bin/sh\necho not elf\n");

        var result = _host.Run($"Get-ElfBuildId '{path}'");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ElfReadFailed,Ember.PowerShell.Commands.GetElfBuildIdCommand", error.FullyQualifiedErrorId);
        Assert.Equal(path, error.TargetObject);
        File.Delete(path);
    }

    /// <summary>The htlhash as the semantic conventions define it, computed here independently.</summary>
    private static string HtlHash(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var page = Math.Min(4096, bytes.Length);
        var input = bytes.AsSpan(0, page).ToArray().Concat(bytes.AsSpan(bytes.Length - page).ToArray()).Concat(new byte[8]).ToArray();
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(2 * page), (ulong)bytes.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input)[..16]);
    }

    [GeneratedRegex(@"Build ID: ([0-9a-f]+)")]
    private static partial Regex GnuBuildIdLine();

    public void Dispose() => _host.Dispose();
}
