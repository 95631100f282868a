using System.Runtime.InteropServices;

namespace Ember.Bpf;

/// <summary>A loaded program of a <see cref="BpfObject"/>; valid until the object is disposed.</summary>
public sealed class BpfProgram
{
    private readonly BpfObject _owner;
    private readonly nint _program;

    internal BpfProgram(BpfObject owner, nint program, string name)
    {
        _owner = owner;
        _program = program;
        Name = name;
    }

    /// <summary>The program's name (its C function name).</summary>
    public string Name { get; }

    /// <summary>
    /// Makes this program slot <paramref name="index"/> of <paramref name="programArray"/>, the
    /// target of <c>bpf_tail_call(ctx, &amp;map, index)</c>.
    /// </summary>
    /// <exception cref="BpfException">The map is no program array, or the kernel refused the program.</exception>
    public void SetAsTailCall(BpfMap programArray, uint index)
    {
        ArgumentNullException.ThrowIfNull(programArray);
        using var owner = new SafeHandleLease(_owner.Handle);
        programArray.Update(index, (uint)Interop.Libbpf.bpf_program__fd(_program));
    }

    /// <summary>
    /// Runs this program on every sample of <paramref name="perfEvent"/> and enables the event. On
    /// success the returned link owns the perf event: disposing the link detaches the program and
    /// closes the event, and <paramref name="perfEvent"/> must not be used again.
    /// </summary>
    /// <exception cref="BpfPermissionException">The process lacks CAP_BPF/CAP_PERFMON.</exception>
    /// <exception cref="BpfException">The kernel refused the attachment.</exception>
    public BpfLink AttachPerfEvent(PerfEvent perfEvent)
    {
        ArgumentNullException.ThrowIfNull(perfEvent);
        using var owner = new SafeHandleLease(_owner.Handle);
        using var eventFd = new SafeHandleLease(perfEvent.Handle);
        var link = Interop.Libbpf.bpf_program__attach_perf_event(_program, (int)perfEvent.Handle.DangerousGetHandle());
        if (link.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            link.Dispose();
            throw BpfErrors.ForBpf(errno, $"attach program '{Name}' to the perf event on cpu {perfEvent.Cpu}");
        }

        // libbpf's link closes the perf event fd when destroyed.
        perfEvent.Handle.SetHandleAsInvalid();
        return new BpfLink(link);
    }

    /// <summary>Attaches the program where its section name says (a raw tracepoint for <c>SEC("raw_tracepoint/sched_process_exit")</c>, which needs no tracefs).</summary>
    /// <exception cref="BpfPermissionException">The process lacks the privileges to attach.</exception>
    /// <exception cref="BpfException">The kernel refused the attachment (no such tracepoint).</exception>
    public BpfLink Attach()
    {
        using var owner = new SafeHandleLease(_owner.Handle);
        var link = Interop.Libbpf.bpf_program__attach(_program);
        if (link.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            link.Dispose();
            throw BpfErrors.ForBpf(errno, $"attach program '{Name}'");
        }

        return new BpfLink(link);
    }
}
