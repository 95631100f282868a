using Ember.Agent.Sampling;
using Ember.Bpf;

namespace Ember.Agent.Unwinding;

/// <summary><see cref="IUnwindMaps"/> on the profiler's unwind_rows, unwind_processes and python_processes maps.</summary>
internal sealed class BpfUnwindMaps(BpfMap rows, BpfMap processes, BpfMap pythonProcesses) : IUnwindMaps
{
    public int RowCapacity => (int)rows.MaxEntries;

    public int ProcessCapacity => (int)processes.MaxEntries;

    public long KernelBytes { get; } = rows.ReadKernelMemory() + processes.ReadKernelMemory() + pythonProcesses.ReadKernelMemory();

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

    public void RemoveProcess(int pid)
    {
        processes.Delete((uint)pid);
        pythonProcesses.Delete((uint)pid);
    }

    public void RemovePython(int pid) => pythonProcesses.Delete((uint)pid);

    public bool SetPython(int pid, in PythonProcess python)
    {
        try
        {
            pythonProcesses.Update((uint)pid, python);
            return true;
        }
        catch (BpfException ex) when (ex.Errno == 7) // E2BIG: the map is full
        {
            return false;
        }
    }
}
