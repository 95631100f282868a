namespace Ember.Profiles.Pprof;

/// <summary>An instruction address with the source lines it maps to (inlined callees first).</summary>
public sealed class Location
{
    /// <summary>The mapping holding <see cref="Address"/>; null when unknown.</summary>
    public Mapping? Mapping { get; set; }

    /// <summary>Instruction address in the process's address space.</summary>
    public ulong Address { get; set; }

    /// <summary>Lines; more than one means inlining, the last is the caller.</summary>
    public List<Line> Lines { get; } = [];

    /// <summary>The address is shared by several functions (identical code folding).</summary>
    public bool IsFolded { get; set; }
}
