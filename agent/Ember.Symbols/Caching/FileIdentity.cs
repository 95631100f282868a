namespace Ember.Symbols.Caching;

/// <summary>
/// Identifies one version of a file without reading it: device and inode (from <c>/proc/PID/maps</c>)
/// or the path when those are unknown, plus size and modification time so a rewritten file is a
/// different identity.
/// </summary>
/// <param name="Device">Device number (major &lt;&lt; 32 | minor), or 0 when identified by path.</param>
/// <param name="Inode">Inode number, or 0 when identified by path.</param>
/// <param name="Path">The path, only for files identified by path.</param>
/// <param name="Size">File size in bytes.</param>
/// <param name="ModifiedUtc">Last write time.</param>
public readonly record struct FileIdentity(ulong Device, ulong Inode, string? Path, long Size, DateTime ModifiedUtc)
{
    /// <summary>Identity of a mapped file: device and inode from the maps line, size and time from the file.</summary>
    public static FileIdentity ForInode(uint major, uint minor, ulong inode, long size, DateTime modifiedUtc) =>
        new(((ulong)major << 32) | minor, inode, null, size, modifiedUtc);

    /// <summary>Identity of a file known only by path.</summary>
    public static FileIdentity ForPath(string path, long size, DateTime modifiedUtc) => new(0, 0, path, size, modifiedUtc);
}
