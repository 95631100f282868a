namespace Ember.Bpf;

/// <summary>Kernel program types (<c>enum bpf_prog_type</c> in linux/bpf.h) that Ember probes for.</summary>
public enum BpfProgramType
{
    /// <summary>BPF_PROG_TYPE_KPROBE.</summary>
    Kprobe = 2,

    /// <summary>BPF_PROG_TYPE_TRACEPOINT.</summary>
    Tracepoint = 5,

    /// <summary>BPF_PROG_TYPE_PERF_EVENT: runs on each sample of a perf event.</summary>
    PerfEvent = 7,

    /// <summary>BPF_PROG_TYPE_RAW_TRACEPOINT: runs on a kernel tracepoint, attached by name (no tracefs needed).</summary>
    RawTracepoint = 17,
}
