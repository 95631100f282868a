namespace Ember.Symbols.Symbolization;

/// <summary>Where a frame's name came from; the exporter maps it to <c>profile.frame.type</c>.</summary>
public enum FrameKind
{
    /// <summary>Native code (C, C++, Rust...) named from ELF symbol tables, or not named at all.</summary>
    Native,

    /// <summary>Go code named from the binary's pclntab.</summary>
    Go,

    /// <summary>Kernel code named from kallsyms.</summary>
    Kernel,

    /// <summary>JIT-compiled code named from the process's perf-PID.map (.NET, Node, Java, CPython).</summary>
    Jit,
}
