namespace Ember.Agent.Symbolization;

/// <summary>The binary an address fell in, as mapped in the process, with its build IDs.</summary>
/// <param name="Path">Path as the process sees it (or a pseudo name such as [vdso], [kernel.kallsyms]).</param>
/// <param name="Start">First mapped address.</param>
/// <param name="Limit">Address just past the mapping.</param>
/// <param name="FileOffset">File offset of <paramref name="Start"/>.</param>
/// <param name="GnuBuildId">Hex of .note.gnu.build-id, when present.</param>
/// <param name="GoBuildId">The Go build ID, when present.</param>
/// <param name="HtlHash">The htlhash file ID, when the file was readable.</param>
public sealed record ResolvedMapping(string Path, ulong Start, ulong Limit, ulong FileOffset, string? GnuBuildId, string? GoBuildId, string? HtlHash);

/// <summary>
/// One frame after symbolization. A frame the node could not name keeps its address and mapping
/// (decision 7) so a backend can symbolize it later from the build ID.
/// </summary>
/// <param name="Address">The instruction address in the process (or kernel).</param>
/// <param name="FunctionName">Name shown to users (demangled), null when unknown.</param>
/// <param name="SystemName">Name as the binary has it (mangled), null when unknown.</param>
/// <param name="FileName">Source file, when known.</param>
/// <param name="Line">Source line, 0 when unknown.</param>
/// <param name="FrameType">profile.frame.type: kernel, native, go, dotnet, v8js...</param>
/// <param name="Mapping">The mapping, null for an address outside every mapping.</param>
/// <param name="IsLabel">
/// <paramref name="FunctionName"/> labels code nothing could name (<c>[.NET JIT code]</c>): shown as a
/// function, counted as a symbolization miss.
/// </param>
public sealed record ResolvedFrame(
    ulong Address, string? FunctionName, string? SystemName, string? FileName, long Line, string FrameType, ResolvedMapping? Mapping, bool IsLabel = false);

/// <summary>Turns sampled addresses into frames. Implementations cache per binary and per process.</summary>
public interface IFrameResolver
{
    /// <summary>Resolves a user-space address of a process.</summary>
    ResolvedFrame ResolveUser(int pid, ulong address);

    /// <summary>Names a Python frame word the kernel recorded for <paramref name="pid"/> (see bpf/profiler.h).</summary>
    ResolvedFrame ResolvePython(int pid, ulong word);

    /// <summary>Resolves a kernel address.</summary>
    ResolvedFrame ResolveKernel(ulong address);

    /// <summary>Drops what is cached for processes that have exited.</summary>
    void Prune(IReadOnlySet<int> livePids);

    /// <summary>
    /// Reads what resolving <paramref name="pid"/>'s addresses needs now, while it lives (see
    /// <c>ISymbolizer.CaptureProcess</c>). Thread-safe: called on the session's event thread while
    /// its loop resolves.
    /// </summary>
    void Capture(int pid);

    /// <summary>Reads a code object of <paramref name="pid"/> while it lives (thread-safe, as <see cref="Capture"/>).</summary>
    void CapturePythonCode(int pid, ulong code);
}
