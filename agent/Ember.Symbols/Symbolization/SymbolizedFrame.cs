namespace Ember.Symbols.Symbolization;

/// <summary>
/// One frame for an address. Names are null when the address could not be named; the caller shows
/// <c>[unknown]</c> and still exports the mapping and build IDs so a backend can symbolize later.
/// </summary>
/// <param name="FunctionName">Name shown to users (demangled for C++ and Rust).</param>
/// <param name="SystemName">Name as stored in the binary (the mangled linkage name).</param>
/// <param name="FileName">Source file, when known (Go).</param>
/// <param name="Line">Source line, when known (Go).</param>
/// <param name="IsInlined">True for a frame inlined into the next one (none are produced without DWARF).</param>
public sealed record SymbolizedFrame(string? FunctionName, string? SystemName, string? FileName, int? Line, bool IsInlined = false)
{
    /// <summary>A frame with no name.</summary>
    public static SymbolizedFrame Unknown { get; } = new(null, null, null, null);

    /// <summary>True when the frame has a name.</summary>
    public bool IsKnown => FunctionName is not null;
}
