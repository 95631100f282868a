using Ember.Symbols.Identity;

namespace Ember.Symbols.Symbolization;

/// <summary>The mapping an address belongs to, as exported with every frame (named or not).</summary>
/// <param name="Path">Path as the process sees it (<c>/usr/lib/x86_64-linux-gnu/libc.so.6</c>), or a pseudo name (<c>[vdso]</c>, <c>[kernel.kallsyms]</c>).</param>
/// <param name="Start">First runtime address of the mapping (0 for files symbolized without a process).</param>
/// <param name="End">Address one past the mapping's end.</param>
/// <param name="FileOffset">File offset mapped at <paramref name="Start"/>.</param>
/// <param name="BuildIds">GNU, Go and htlhash build IDs of the file.</param>
public sealed record MappingInfo(string Path, ulong Start, ulong End, ulong FileOffset, BinaryBuildIds BuildIds);
