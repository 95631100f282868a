namespace Ember.Symbols.PerfMap;

/// <summary>One line of a perf map: a JIT-compiled code range and its name.</summary>
/// <param name="Start">First address of the code (a runtime address in the process).</param>
/// <param name="Size">Code size in bytes.</param>
/// <param name="Name">Name as the runtime wrote it (may contain spaces, signatures, tiers).</param>
public readonly record struct PerfMapSymbol(ulong Start, ulong Size, string Name)
{
    /// <summary>Address one past the last byte.</summary>
    public ulong End => Start + Size < Start ? ulong.MaxValue : Start + Size;

    /// <summary>True when <paramref name="address"/> lies in the range.</summary>
    public bool Contains(ulong address) => address >= Start && address < End;
}
