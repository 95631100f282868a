namespace Ember.Symbols.DebugInfo;

/// <summary>Somewhere debug files are found by GNU build ID: the bridge's own store, a debuginfod server.</summary>
public interface IDebugInfoSource
{
    /// <summary>Name in metrics and logs: <c>store</c>, <c>debuginfod</c>.</summary>
    string Name { get; }

    /// <summary>A local path of the debug file of <paramref name="buildId"/>, or null when this source has none.</summary>
    /// <exception cref="DebugInfoFetchException">The source could not answer (unreachable, timed out, sent too much).</exception>
    Task<string?> FindAsync(string buildId, CancellationToken cancellationToken);
}
