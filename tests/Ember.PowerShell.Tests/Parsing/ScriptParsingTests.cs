using System.Management.Automation.Language;

namespace Ember.PowerShell.Tests.Parsing;

/// <summary>Every PowerShell file in the repository parses with PowerShell's own parser.</summary>
public sealed class ScriptParsingTests
{
    private static readonly string[] Extensions = [".ps1", ".psm1", ".psd1"];
    private static readonly string[] Skipped = ["artifacts", ".git", "bin", "obj", "node_modules"];

    public static TheoryData<string> Scripts() => new(ScriptPaths());

    private static List<string> ScriptPaths()
    {
        var root = RepositoryRoot();
        return [.. Files(root).Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void The_build_script_and_the_module_manifest_are_among_the_files()
    {
        var scripts = ScriptPaths();
        Assert.Contains("build.ps1", scripts);
        Assert.Contains(Path.Combine("pwsh", "Ember.PowerShell", "Ember.psd1"), scripts);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Parses_without_errors(string relativePath)
    {
        Parser.ParseFile(Path.Combine(RepositoryRoot(), relativePath), out _, out var errors);

        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{relativePath}:{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void The_manifest_is_a_data_only_hashtable()
    {
        var ast = Parser.ParseFile(Path.Combine(RepositoryRoot(), "pwsh", "Ember.PowerShell", "Ember.psd1"), out _, out _);

        var hashtable = Assert.IsType<HashtableAst>(Assert.Single(ast.EndBlock.Statements).Find(a => a is HashtableAst, false));
        Assert.NotNull(hashtable.SafeGetValue());
    }

    private static IEnumerable<string> Files(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
            {
                yield return file;
            }
        }

        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (!Skipped.Contains(Path.GetFileName(child), StringComparer.Ordinal))
            {
                foreach (var file in Files(child))
                {
                    yield return file;
                }
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Suite.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Suite.sln not found above {AppContext.BaseDirectory}");
    }
}
