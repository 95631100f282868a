using Ember.Symbols.Processes;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>Recognises a runtime by the file name of a file-backed mapping, such as libcoreclr.so.</summary>
/// <param name="frameType">The runtime's <c>profile.frame.type</c>.</param>
/// <param name="matchesFileName">Whether a mapped file's name (no directory) is one of the runtime's.</param>
/// <param name="jitCodeName">The name of its JIT frames that its perf map does not name.</param>
/// <param name="namingHint">How a user gets them named.</param>
public sealed class MappedFileDetector(string frameType, Func<string, bool> matchesFileName, string jitCodeName, string namingHint) : IRuntimeDetector
{
    /// <inheritdoc />
    public string FrameType { get; } = frameType;

    /// <inheritdoc />
    public string JitCodeName { get; } = jitCodeName;

    /// <inheritdoc />
    public string NamingHint { get; } = namingHint;

    /// <inheritdoc />
    public bool IsLoadedIn(IReadOnlyList<ProcessMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        return mappings.Any(m => m.Kind == MappingKind.File && matchesFileName(Path.GetFileName(m.Path)));
    }
}
