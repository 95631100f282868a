namespace Ember.Symbols.Identity;

/// <summary>
/// The identifiers of one binary that a backend uses to find its symbols again, exported as the
/// mapping attributes <c>process.executable.build_id.gnu</c>, <c>.go</c> and <c>.htlhash</c>.
/// </summary>
/// <param name="Gnu">Hex of <c>.note.gnu.build-id</c>, or null when the binary has none.</param>
/// <param name="Go">The Go build ID (<c>go tool buildid</c>), or null for non-Go binaries.</param>
/// <param name="HtlHash">The content-derived file ID (see <see cref="Identity.HtlHash"/>); always present for files.</param>
public sealed record BinaryBuildIds(string? Gnu, string? Go, string? HtlHash)
{
    /// <summary>No identifiers (anonymous memory, unreadable files).</summary>
    public static BinaryBuildIds None { get; } = new(null, null, null);
}
