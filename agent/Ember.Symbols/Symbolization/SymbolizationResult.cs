namespace Ember.Symbols.Symbolization;

/// <summary>What is known about one address.</summary>
/// <param name="Address">The address asked about.</param>
/// <param name="NormalizedAddress">The ELF virtual address inside the file (what offline symbolizers take), when the address is in a file.</param>
/// <param name="Kind">Where the name came from (or would have).</param>
/// <param name="Mapping">The mapping containing the address, or null when no mapping contains it.</param>
/// <param name="Frames">Frames for the address, innermost first; at least one, possibly unnamed.</param>
public sealed record SymbolizationResult(
    ulong Address,
    ulong? NormalizedAddress,
    FrameKind Kind,
    MappingInfo? Mapping,
    IReadOnlyList<SymbolizedFrame> Frames)
{
    /// <summary>True when the innermost frame has a name.</summary>
    public bool IsKnown => Frames.Count > 0 && Frames[0].IsKnown;
}
