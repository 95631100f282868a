using Ember.Symbols.Identity;
using Ember.Symbols.Tests.Peers;

namespace Ember.Symbols.Tests.Identity;

/// <summary>htlhash compared with the same definition computed by coreutils (head, tail, sha256sum) and xxd.</summary>
public sealed class HtlHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(6000)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(1_000_000)]
    public void Hash_of_files_of_every_size_class_matches_a_shell_pipeline(int size)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ember-htlhash-").FullName, "data");
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var expected = ShellHtlHash(path);

        Assert.Equal(expected, HtlHash.Compute(path));
        Assert.Equal(expected, HtlHash.Compute(bytes));
    }

    [Theory]
    [InlineData("/usr/lib/x86_64-linux-gnu/libc.so.6")]
    [InlineData("/usr/bin/ls")]
    public void Hash_of_system_binaries_matches_a_shell_pipeline(string path) =>
        Assert.Equal(ShellHtlHash(path), HtlHash.Compute(path));

    [Fact]
    public void Hash_is_32_lowercase_hex_digits_and_changes_with_the_length()
    {
        var directory = Directory.CreateTempSubdirectory("ember-htlhash-").FullName;
        var a = Path.Combine(directory, "a");
        var b = Path.Combine(directory, "b");
        File.WriteAllBytes(a, new byte[20000]);
        File.WriteAllBytes(b, new byte[20001]);

        var hash = HtlHash.Compute(a);

        Assert.Matches("^[0-9a-f]{32}$", hash);
        Assert.NotEqual(hash, HtlHash.Compute(b));
    }

    private static string ShellHtlHash(string path)
    {
        ExternalProcess.Require("sha256sum", "coreutils");
        ExternalProcess.Require("xxd", "xxd");
        const string Script = """{ head -c 4096 "$1"; tail -c 4096 "$1"; printf '%016x' "$(stat -L -c %s "$1")" | xxd -r -p; } | sha256sum | cut -c1-32""";
        return ExternalProcess.RunChecked("/bin/sh", ["-c", Script, "sh", path]).Trim();
    }
}
