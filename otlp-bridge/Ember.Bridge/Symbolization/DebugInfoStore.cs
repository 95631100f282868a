using Ember.Symbols.DebugInfo;

namespace Ember.Bridge.Symbolization;

/// <summary>
/// The bridge's own debug files, one directory per build ID: <c>DIR/BUILDID/debuginfo</c> (the layout
/// debug info uploaded to the bridge is kept in, and that a CI job can also write directly).
/// </summary>
internal sealed class DebugInfoStore(string directory) : IDebugInfoSource
{
    /// <summary>The file name of a debug file in its build ID's directory.</summary>
    public const string DebugInfoFileName = "debuginfo";

    /// <summary>The store's subdirectory the debuginfod client caches in (not hex, so no build ID's).</summary>
    public const string DebuginfodCacheName = ".debuginfod-cache";

    public string Name => "store";

    /// <summary>The store's root directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>Bytes of the debug files stored.</summary>
    public long StoredBytes() =>
        System.IO.Directory.Exists(Directory)
            ? new DirectoryInfo(Directory).EnumerateDirectories().Where(d => BuildIds.IsValid(d.Name))
                .Select(d => new FileInfo(Path.Combine(d.FullName, DebugInfoFileName))).Where(f => f.Exists).Sum(f => f.Length)
            : 0;

    public Task<string?> FindAsync(string buildId, CancellationToken cancellationToken)
    {
        if (!BuildIds.IsValid(buildId))
        {
            return Task.FromResult<string?>(null);
        }

        var path = Path.Combine(Directory, buildId.ToLowerInvariant(), DebugInfoFileName);
        return Task.FromResult(File.Exists(path) ? path : null);
    }
}
