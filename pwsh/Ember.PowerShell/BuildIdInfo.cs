namespace Ember.PowerShell;

/// <summary>The identifiers of one ELF file that profiling backends key debug info on.</summary>
/// <param name="Path">The file.</param>
/// <param name="GnuBuildId">Hex of <c>.note.gnu.build-id</c>, or null.</param>
/// <param name="GoBuildId">The Go build ID, or null for non-Go binaries.</param>
/// <param name="HtlHash">The content-derived file ID (<c>process.executable.build_id.htlhash</c>).</param>
public sealed record BuildIdInfo(string Path, string? GnuBuildId, string? GoBuildId, string HtlHash);
