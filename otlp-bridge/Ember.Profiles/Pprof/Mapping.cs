namespace Ember.Profiles.Pprof;

/// <summary>A mapped binary: address range, file offset, path and build ID.</summary>
public sealed class Mapping
{
    /// <summary>First address of the mapping.</summary>
    public ulong MemoryStart { get; set; }

    /// <summary>Address just past the end of the mapping.</summary>
    public ulong MemoryLimit { get; set; }

    /// <summary>Offset in the file of <see cref="MemoryStart"/>.</summary>
    public ulong FileOffset { get; set; }

    /// <summary>Path of the binary, or a pseudo name such as "[vdso]".</summary>
    public string FileName { get; set; } = string.Empty;

    /// <summary>Build ID (hex of the GNU build-id note, for example).</summary>
    public string BuildId { get; set; } = string.Empty;

    /// <summary>Locations in this mapping carry function names.</summary>
    public bool HasFunctions { get; set; }

    /// <summary>Locations in this mapping carry file names.</summary>
    public bool HasFilenames { get; set; }

    /// <summary>Locations in this mapping carry line numbers.</summary>
    public bool HasLineNumbers { get; set; }

    /// <summary>Locations in this mapping carry inlined frames.</summary>
    public bool HasInlineFrames { get; set; }
}
