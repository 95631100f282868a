using Ember.Agent.Sampling;

namespace Ember.Agent.Unwinding;

/// <summary>The kernel side of the user-stack walk: the shared row array and each process's mappings.</summary>
internal interface IUnwindMaps
{
    /// <summary>Rows the row array holds: the table memory budget, in rows of <see cref="RowBytes"/>.</summary>
    int RowCapacity { get; }

    /// <summary>Processes the mapping map holds.</summary>
    int ProcessCapacity { get; }

    /// <summary>Bytes of kernel memory both maps are charged for (preallocated, so constant).</summary>
    long KernelBytes { get; }

    /// <summary>Writes <paramref name="rows"/> from row <paramref name="first"/> on.</summary>
    void WriteRows(uint first, ReadOnlySpan<UnwindRow> rows);

    /// <summary>Gives <paramref name="pid"/> its mappings (sorted by start); false when the map is full.</summary>
    bool SetProcess(int pid, in ProcessUnwind mappings);

    /// <summary>Forgets <paramref name="pid"/>'s mappings and its CPython description.</summary>
    void RemoveProcess(int pid);

    /// <summary>Describes <paramref name="pid"/>'s CPython interpreter to the walk; false when the map is full.</summary>
    bool SetPython(int pid, in PythonProcess python);

    /// <summary>Forgets <paramref name="pid"/>'s CPython description (its new image hosts none).</summary>
    void RemovePython(int pid);

    /// <summary>Bytes of one row.</summary>
    const int RowBytes = 8;
}
