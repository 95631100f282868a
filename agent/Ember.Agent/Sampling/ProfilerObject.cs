namespace Ember.Agent.Sampling;

/// <summary>The embedded bpf/profiler.bpf.o and the names of its program and maps.</summary>
internal static class ProfilerObject
{
    public const string Name = "profiler";
    public const string ResourceName = "Ember.Agent.Sampling.profiler.bpf.o";

    public const string SampleCpuProgram = "sample_cpu";
    public const string ControlMap = "control";
    public const string StatsMap = "stats";
    public const string EpochsMap = "epochs";
    public const string PidFilterMap = "pid_filter";
    public const string ProcessExecProgram = "process_exec";
    public const string ProcessExitProgram = "process_exit";
    public const string ProcessEventsMap = "process_events";
    public const string WalkUserStackProgram = "walk_user_stack";
    public const string UnwindProgramsMap = "unwind_programs";
    public const string UnwindRowsMap = "unwind_rows";
    public const string UnwindProcessesMap = "unwind_processes";
    public const string WalkPythonStackProgram = "walk_python_stack";
    public const string PythonProcessesMap = "python_processes";

    /// <summary>counts_0, counts_1: sample counts of each slot.</summary>
    public static string CountsMap(int slot) => slot == 0 ? "counts_0" : "counts_1";

    /// <summary>stacks_0, stacks_1: the stack traces the counts of each slot refer to.</summary>
    public static string StacksMap(int slot) => slot == 0 ? "stacks_0" : "stacks_1";

    /// <summary>ustacks_0, ustacks_1: the user stacks the program walked itself for each slot.</summary>
    public static string UserStacksMap(int slot) => slot == 0 ? "ustacks_0" : "ustacks_1";

    /// <summary>The compiled object's bytes.</summary>
    public static byte[] Read()
    {
        using var stream = typeof(ProfilerObject).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource '{ResourceName}' is missing from {typeof(ProfilerObject).Assembly}");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
