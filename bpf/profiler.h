/*
 * profiler.h: the ABI between profiler.bpf.c and the agent (Ember.Agent.Sampling.ProfilerAbi).
 *
 * Every struct and constant that crosses the kernel boundary lives here, built only from __u32 and
 * __u64 so both sides lay it out the same way. The includer provides those types: <linux/types.h>
 * in user space, profiler.bpf.c's own typedefs in BPF. Change a struct here and in ProfilerAbi.cs
 * together: the static asserts below and the C# layout test catch the side that was forgotten.
 *
 * How draining works: the program counts into one of two slots, each a (counts, stacks) map pair.
 * The agent flips control.active_slot, waits until no CPU is still inside the program with the old
 * slot (epochs), then reads and clears the old slot's maps at leisure. Stack ids in a slot's
 * counts refer to that slot's stack map, which is cleared only after its counts were read.
 *
 * Processes that come and go: the first sample of a process (known_pids has no entry for it) puts
 * a process_event on the process_events ring buffer at once, so the agent reads its mappings and
 * binaries while it lives, not at the next drain. Exec and exit of a known process are reported
 * too; an exec forgets it, so its next sample announces its new image, and an exit marks it.
 */
#ifndef EMBER_PROFILER_H
#define EMBER_PROFILER_H

/* (counts, stacks) map pairs: the program writes the active one, the agent drains the other. */
#define EMBER_SLOT_COUNT 2

/* Frames per stack in the stack maps: the kernel's PERF_MAX_STACK_DEPTH. */
#define EMBER_MAX_STACK_DEPTH 127

/* A sample_key stack id when no stack was recorded; sampler_stats counts why. */
#define EMBER_NO_STACK 0xffffffffU

/* Entries of known_pids: processes announced on process_events (least recently sampled go first). */
#define EMBER_KNOWN_PIDS_ENTRIES 32768

/* Bytes of the process_events ring buffer (a power of two, a multiple of the page size). */
#define EMBER_PROCESS_EVENTS_BYTES (256 * 1024)

/* Values of known_pids. */
#define EMBER_KNOWN_ALIVE 0
#define EMBER_KNOWN_EXITED 1 /* its exit was reported: an exiting task's last samples must not announce it again */

/* process_event.kind */
#define EMBER_PROCESS_SEEN 1 /* its first sample since the sampler loaded, or since its last exec */
#define EMBER_PROCESS_EXEC 2 /* a known process replaced its image (sched_process_exec) */
#define EMBER_PROCESS_EXIT 3 /* a known process exited (sched_process_exit of its main thread) */

/* sampler_control.flags */
#define EMBER_FLAG_FILTER_PIDS 0x1U /* count only processes listed in pid_filter */
#define EMBER_FLAG_SAMPLE_IDLE 0x2U /* count the idle task (pid 0) too */

/* control[0]: written by the agent, read by every sample. */
struct sampler_control {
	__u32 active_slot; /* slot the program counts into: 0 or 1 */
	__u32 flags;       /* EMBER_FLAG_* */
};

/* Key of counts_0/counts_1 (value: __u64 number of samples). */
struct sample_key {
	__u32 pid;             /* thread group id: the process id user space sees */
	__u32 user_stack_id;   /* id in the slot's stack map, or EMBER_NO_STACK */
	__u32 kernel_stack_id; /* id in the slot's stack map, or EMBER_NO_STACK */
	__u32 comm[4];         /* thread name: 16 bytes, NUL-padded */
};

/* One record of the process_events ring buffer. */
struct process_event {
	__u32 pid;     /* thread group id */
	__u32 kind;    /* EMBER_PROCESS_* */
	__u32 comm[4]; /* name of the thread that caused the event: 16 bytes, NUL-padded */
};

/* Why a bpf_get_stackid call found no stack id; the sample is still counted, without that stack. */
struct stack_errors {
	__u64 no_frames;  /* -EFAULT: nothing to walk (no kernel frames in user mode, no user frames in a kernel thread) */
	__u64 collisions; /* -EEXIST: another stack already owns this hash bucket of the stack map */
	__u64 no_memory;  /* -ENOMEM: the stack map had no free bucket */
	__u64 other;      /* any other error */
};

/*
 * stats[0], one copy per CPU, cumulative since load. samples counts every run of the program,
 * independently of the count maps, so that
 *   samples == filtered_idle + filtered_pid + count_map_full + (sum of all counts ever drained).
 */
struct sampler_stats {
	__u64 samples;        /* times the program ran */
	__u64 filtered_idle;  /* dropped: the idle task, and EMBER_FLAG_SAMPLE_IDLE is off */
	__u64 filtered_pid;   /* dropped: process not in pid_filter */
	__u64 count_map_full; /* dropped: the slot's counts map refused a new key */
	struct stack_errors user_stack;
	struct stack_errors kernel_stack;
	__u64 process_events_lost; /* process_events was full: the event is lost (an announcement is retried on the next sample) */
};

_Static_assert(sizeof(struct sampler_control) == 8, "sampler_control layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct sample_key) == 28, "sample_key layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct stack_errors) == 32, "stack_errors layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct process_event) == 24, "process_event layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct sampler_stats) == 104, "sampler_stats layout changed: update ProfilerAbi.cs");
_Static_assert(__builtin_offsetof(struct sampler_stats, user_stack) == 32, "sampler_stats layout changed: update ProfilerAbi.cs");

#endif /* EMBER_PROFILER_H */
