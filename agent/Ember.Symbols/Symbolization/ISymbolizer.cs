namespace Ember.Symbols.Symbolization;

/// <summary>Turns instruction addresses into function names, keeping mapping and build IDs for every address.</summary>
public interface ISymbolizer
{
    /// <summary>Symbolizes a user-space address of a running (or recently seen) process.</summary>
    SymbolizationResult SymbolizeProcessAddress(int pid, ulong address);

    /// <summary>Symbolizes an ELF virtual address (a normalized address) in a binary file.</summary>
    SymbolizationResult SymbolizeFileAddress(string path, ulong normalizedAddress);

    /// <summary>Symbolizes a kernel address through kallsyms.</summary>
    SymbolizationResult SymbolizeKernelAddress(ulong address);

    /// <summary>Drops what is cached about a process (call when it exits; its PID may be reused).</summary>
    void ForgetProcess(int pid);

    /// <summary>
    /// Reads a process's mappings and perf map now and opens every binary it maps executable, so
    /// its addresses still resolve after it exits (until <see cref="ForgetProcess"/>). Replaces what
    /// was known about the PID before (an earlier image, or an earlier process with that PID); a
    /// process already gone (no mappings to read) keeps what was known.
    /// </summary>
    /// <returns>How many executable file mappings it holds a binary for.</returns>
    int CaptureProcess(int pid);
}
