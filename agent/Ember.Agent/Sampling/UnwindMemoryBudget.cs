using System.Runtime.CompilerServices;

namespace Ember.Agent.Sampling;

/// <summary>
/// The kernel memory the user-stack walk may use: its two preallocated maps, the process mapping
/// map (one entry per process) and the row array all tables share. The mapping map gets half the
/// budget, up to <see cref="MaxProcesses"/> processes; the rows get the rest. 0 turns the walk off
/// (the kernel's frame-pointer walk only).
/// </summary>
/// <param name="Bytes">The budget in bytes: 0, or <see cref="MinBytes"/> to <see cref="MaxBytes"/>.</param>
public readonly record struct UnwindMemoryBudget(long Bytes)
{
    /// <summary>16 MiB: about 3,900 processes and a million rows (libc's table is ~20,000), so RSS + maps stay under 100 MiB on a busy node.</summary>
    public const long DefaultBytes = 16L << 20;

    /// <summary>The least budget that holds a useful set: a few hundred processes and libc, python and a service.</summary>
    public const long MinBytes = 1L << 20;

    /// <summary>The most: beyond it the agent would take more memory than the workloads it profiles.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>
    /// Bytes the kernel charges per hash-map element beyond its value: the 48-byte element header, the
    /// key rounded to 8, and up to two 16-byte buckets (their count is a power of two), so the maps' own
    /// memlock figure stays within the budget.
    /// </summary>
    private const int HashElementOverhead = 88;

    /// <summary>The default budget.</summary>
    public static UnwindMemoryBudget Default => new(DefaultBytes);

    /// <summary>Whether the walk is on.</summary>
    public bool WalksUserStacks => Bytes > 0;

    /// <summary>Whether <see cref="Bytes"/> is 0 or within <see cref="MinBytes"/>..<see cref="MaxBytes"/>.</summary>
    public bool IsValid => Bytes == 0 || Bytes is >= MinBytes and <= MaxBytes;

    /// <summary>The most processes the mapping map is given room for: more than a busy node runs, so a larger budget goes to rows.</summary>
    public const int MaxProcesses = 8192;

    /// <summary>Processes the mapping map (and the CPython map, one entry each) holds.</summary>
    public int ProcessEntries => (int)Math.Min(MaxProcesses, Bytes / 2 / PerProcessBytes);

    /// <summary>Rows the row array holds: the rest of the budget.</summary>
    public int RowEntries => (int)((Bytes - ((long)ProcessEntries * PerProcessBytes)) / UnwindRowBytes);

    /// <summary>A process's entries: its mappings and its CPython description, each a hash element.</summary>
    private static int PerProcessBytes => Unsafe.SizeOf<ProcessUnwind>() + Unsafe.SizeOf<PythonProcess>() + (2 * HashElementOverhead);

    private const int UnwindRowBytes = 8;
}
