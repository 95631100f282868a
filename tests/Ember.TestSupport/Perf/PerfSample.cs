namespace Ember.TestSupport.Perf;

/// <summary>One frame of a sample as <c>perf script</c> prints it.</summary>
/// <param name="Function">The symbol perf found, without an ELF symbol version; null where perf printed <c>[unknown]</c>.</param>
/// <param name="Dso">The binary perf attributed the frame to: a path, <c>[kernel.kallsyms]</c>, <c>[vdso]</c> or <c>[unknown]</c>.</param>
/// <param name="Address">
/// The address perf printed: absolute for kernel frames; for user frames perf 6.1 prints the address
/// within the binary (as its symbol table counts), not the process's virtual address.
/// </param>
public sealed record PerfFrame(string? Function, string Dso, ulong Address)
{
    // x86-64 and arm64 kernels live in the upper half of the address space; modules have their own dso names.
    private const ulong KernelHalf = 0x8000_0000_0000_0000;

    /// <summary>True for a kernel frame: perf names the kernel's dso in brackets and gives it a kernel address.</summary>
    public bool IsKernel => Dso.StartsWith("[kernel", StringComparison.Ordinal) || Address >= KernelHalf;
}

/// <summary>One sample: the thread it was taken on and its call chain, leaf first.</summary>
public sealed record PerfSample(string Command, int Pid, int Tid, IReadOnlyList<PerfFrame> Frames)
{
    /// <summary>The user-space frames, leaf first: perf puts a sample's kernel frames before them.</summary>
    public IEnumerable<PerfFrame> UserFrames => Frames.Where(f => !f.IsKernel);
}
