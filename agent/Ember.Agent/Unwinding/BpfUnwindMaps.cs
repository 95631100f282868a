using Ember.Agent.Sampling;
using Ember.Bpf;

namespace Ember.Agent.Unwinding;

/// <summary><see cref="IUnwindMaps"/> on the profiler's unwind_rows and unwind_processes maps.</summary>
internal sealed class BpfUnwindMaps(BpfMap rows, BpfMap processes) : IUnwindMaps
{
    public int RowCapacity => (int)rows.MaxEntries;

    public int ProcessCapacity => (int)processes.MaxEntries;

    public long KernelBytes { get; } = rows.ReadKernelMemory() + processes.ReadKernelMemory();

    public void WriteRows(uint first, ReadOnlySpan<UnwindRow> values) => rows.UpdateRange(first, values);

    public bool SetProcess(int pid, in ProcessUnwind mappings)
    {
        try
        {
            processes.Update((uint)pid, mappings);
            return true;
        }
        catch (BpfException ex) when (ex.Errno == 7) // E2BIG: the map is full
        {
            return false;
        }
    }

    public void RemoveProcess(int pid) => processes.Delete((uint)pid);
}
