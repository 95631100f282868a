namespace Ember.Symbols.Symbolization;

/// <summary>Settings of a <see cref="Symbolizer"/>.</summary>
public sealed record SymbolizerOptions
{
    /// <summary>Mount point of procfs (the host's, when the agent runs in a container with hostPID).</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>Kernel symbol file.</summary>
    public string KallsymsPath { get; init; } = "/proc/kallsyms";

    /// <summary>Kernel notes holding the kernel's GNU build ID.</summary>
    public string KernelNotesPath { get; init; } = "/sys/kernel/notes";

    /// <summary>Most binaries kept parsed at once; the least recently used are closed beyond it.</summary>
    public int MaxCachedBinaries { get; init; } = 512;

    /// <summary>
    /// Shortest time between two re-reads of a process's maps or perf map caused by an address that
    /// was not found (new libraries, new JIT code), so unknown addresses cannot cause a read storm.
    /// </summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether C++ and Rust names are demangled for display (the mangled name is always kept as the system name).</summary>
    public bool Demangle { get; init; } = true;

    /// <summary>
    /// Whether frames of file-backed code are named (symbol tables, Go pclntab). False leaves them as
    /// addresses with their mapping and build IDs, to be named centrally; the mapped files are still
    /// opened, for their build IDs.
    /// </summary>
    public bool NameFileFrames { get; init; } = true;
}
