namespace Ember.Deploy.Tests.Support;

/// <summary>Paths inside the repository the tests run from (found by walking up to Suite.sln).</summary>
internal static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding Suite.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path relative to the repository root, with '/' separators.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The repository-relative form of an absolute path, with '/' separators.</summary>
    public static string Relative(string absolute) => Path.GetRelativePath(Root, absolute).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Suite.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Suite.sln above {AppContext.BaseDirectory}");
    }
}
