namespace Ember.Bpf;

/// <summary>How <see cref="BpfObject.Load(ReadOnlySpan{byte}, BpfLoadOptions?)"/> prepares an object before loading it.</summary>
public sealed class BpfLoadOptions
{
    /// <summary>The object's name in messages and in libbpf's log.</summary>
    public string ObjectName { get; init; } = "bpf";

    /// <summary>New sizes for maps, by map name, applied before the maps are created.</summary>
    public IReadOnlyDictionary<string, uint> MapMaxEntries { get; init; } = new Dictionary<string, uint>();

    /// <summary>
    /// Bytes of verifier log to collect for a rejected program at first. When the kernel says the log
    /// did not fit (ENOSPC), the object is loaded again with a log four times larger.
    /// </summary>
    public int LogSizeStart { get; init; } = 64 * 1024;

    /// <summary>The largest verifier log to try; past it the kept log is marked truncated.</summary>
    public int LogSizeMax { get; init; } = 64 * 1024 * 1024;
}
