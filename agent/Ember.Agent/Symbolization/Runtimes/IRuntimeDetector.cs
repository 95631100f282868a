using Ember.Symbols.Processes;

namespace Ember.Agent.Symbolization.Runtimes;

/// <summary>
/// A language runtime a process may host, recognised by what the process maps (a runtime library or
/// the runtime's own executable), never by the name it was started with: an app host named
/// <c>orders</c> that maps libcoreclr.so is .NET. The seam where runtime-specific unwinders and
/// symbolizers (CPython, JVM, V8) attach.
/// </summary>
public interface IRuntimeDetector
{
    /// <summary>The <c>profile.frame.type</c> of code this runtime compiles at run time (DESIGN decision 6).</summary>
    string FrameType { get; }

    /// <summary>What a JIT frame of this runtime is called when its perf map does not name it: <c>[.NET JIT code]</c>.</summary>
    string JitCodeName { get; }

    /// <summary>How a user gets this runtime's JIT frames named, logged once per process that lacks them.</summary>
    string NamingHint { get; }

    /// <summary>True when <paramref name="mappings"/> (a process's /proc/PID/maps) show the runtime loaded.</summary>
    bool IsLoadedIn(IReadOnlyList<ProcessMapping> mappings);
}
