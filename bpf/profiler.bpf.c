#line 2 "/bpf/profiler.bpf.c"
/*
 * profiler.bpf.c: Ember's on-CPU sampler.
 *
 * A perf_event program attached to a software cpu-clock event on every online CPU. Each run counts
 * one sample of whatever is on that CPU, keyed by (process, thread name, user stack, kernel stack),
 * in the kernel: the agent drains the counts, not individual samples. See profiler.h for the
 * two-slot scheme that lets the agent drain while sampling goes on, and for the process events
 * (first sample, exec, exit) that let the agent capture short-lived processes while they live.
 *
 * Built by `./build.ps1 -Bpf` (clang-14 -g -O2 -target bpf, then llvm-strip-14 -g); the object is
 * committed. The #line above pins the file name recorded in BTF line info: build.ps1 passes an
 * absolute path, which would otherwise make the object depend on where the repository is checked out.
 */

/*
 * The kernel types and constants this program needs. The uapi headers cannot be included:
 * <linux/types.h> pulls <asm/types.h>, which Debian keeps in the multiarch include directory that
 * clang does not search for -target bpf. These values are kernel ABI and never change.
 */
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_STACK_TRACE 7
#define BPF_MAP_TYPE_LRU_HASH 9
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_NOEXIST 1
#define BPF_F_USER_STACK (1ULL << 8)
#define E2BIG 7
#define ENOMEM 12
#define EFAULT 14
#define EEXIST 17

#include <bpf/bpf_helpers.h>

#include "profiler.h"

/* GPL-compatible: bpf_get_stackid is a GPL-only helper. */
char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Default sizes; the agent resizes the maps before load (CpuSamplerOptions). */
#define DEFAULT_COUNT_ENTRIES 16384
#define DEFAULT_STACK_ENTRIES 16384
#define DEFAULT_PID_FILTER_ENTRIES 1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sampler_control);
} control SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sampler_stats);
} stats SEC(".maps");

/* Per CPU: odd while the program runs on that CPU. The agent waits for odd epochs to move on. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} epochs SEC(".maps");

/* Processes to sample when EMBER_FLAG_FILTER_PIDS is set; the value is unused. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_PID_FILTER_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} pid_filter SEC(".maps");

/* Processes already announced on process_events; the value is EMBER_KNOWN_*. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EMBER_KNOWN_PIDS_ENTRIES);
	__type(key, __u32);
	__type(value, __u32);
} known_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EMBER_PROCESS_EVENTS_BYTES);
} process_events SEC(".maps");

struct counts_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_COUNT_ENTRIES);
	__type(key, struct sample_key);
	__type(value, __u64);
};

struct stacks_map {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, DEFAULT_STACK_ENTRIES);
	__type(key, __u32);
	__uint(value_size, EMBER_MAX_STACK_DEPTH * sizeof(__u64));
};

struct counts_map counts_0 SEC(".maps");
struct counts_map counts_1 SEC(".maps");
struct stacks_map stacks_0 SEC(".maps");
struct stacks_map stacks_1 SEC(".maps");

static __always_inline void count_stack_error(long err, struct stack_errors *errors)
{
	if (err == -EFAULT)
		errors->no_frames++;
	else if (err == -EEXIST)
		errors->collisions++;
	else if (err == -ENOMEM)
		errors->no_memory++;
	else
		errors->other++;
}

/*
 * The unwinding step: fills the key's stack ids from the slot's stack map. This one walks frame
 * pointers through the kernel's perf callchain; a DWARF unwinder replaces this function and fills
 * the same two fields.
 */
static __always_inline void unwind_frame_pointers(void *ctx, void *stack_map, struct sample_key *key,
						  struct sampler_stats *st)
{
	long id = bpf_get_stackid(ctx, stack_map, BPF_F_USER_STACK);

	if (id >= 0) {
		key->user_stack_id = id;
	} else {
		key->user_stack_id = EMBER_NO_STACK;
		count_stack_error(id, &st->user_stack);
	}

	id = bpf_get_stackid(ctx, stack_map, 0);
	if (id >= 0) {
		key->kernel_stack_id = id;
	} else {
		key->kernel_stack_id = EMBER_NO_STACK;
		count_stack_error(id, &st->kernel_stack);
	}
}

static __always_inline void add_count(void *count_map, struct sample_key *key, struct sampler_stats *st)
{
	__u64 one = 1;
	__u64 *count = bpf_map_lookup_elem(count_map, key);

	if (count) {
		__sync_fetch_and_add(count, 1);
		return;
	}

	long err = bpf_map_update_elem(count_map, key, &one, BPF_NOEXIST);
	if (err == 0)
		return;

	/* Another CPU inserted the same key first. */
	if (err == -EEXIST) {
		count = bpf_map_lookup_elem(count_map, key);
		if (count) {
			__sync_fetch_and_add(count, 1);
			return;
		}
	}
	st->count_map_full++;
}

/* Returns 0 when the event is on the ring, else counts it lost. */
static __always_inline long emit_process_event(__u32 tgid, __u32 kind, struct sampler_stats *st)
{
	struct process_event event = { .pid = tgid, .kind = kind };
	long err;

	bpf_get_current_comm(&event.comm, sizeof(event.comm));
	err = bpf_ringbuf_output(&process_events, &event, sizeof(event), 0);
	if (err != 0)
		st->process_events_lost++;
	return err;
}

/* Announces a process on its first sample; BPF_NOEXIST makes one CPU the announcer when several race. */
static __always_inline void announce_if_new(__u32 tgid, struct sampler_stats *st)
{
	__u32 alive = EMBER_KNOWN_ALIVE;

	if (bpf_map_lookup_elem(&known_pids, &tgid))
		return;
	/* An announcement the ring had no room for is tried again on the process's next sample. */
	if (bpf_map_update_elem(&known_pids, &tgid, &alive, BPF_NOEXIST) == 0 &&
	    emit_process_event(tgid, EMBER_PROCESS_SEEN, st) != 0)
		bpf_map_delete_elem(&known_pids, &tgid);
}

/*
 * Tells the agent a known process exec'd or exited; unknown processes are left alone. An exec forgets
 * it, so its next sample announces the new image. An exit marks it, so the samples the exiting task
 * still takes (it runs on in the kernel after the tracepoint) do not announce it again; the mark
 * goes when the pid is exec'd again, or when the LRU map evicts it.
 */
static __always_inline void forget_process(__u32 kind)
{
	__u32 zero = 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	struct sampler_stats *st = bpf_map_lookup_elem(&stats, &zero);
	__u32 *state;

	/* Only the main thread's exit ends the process; other threads leave while it goes on. */
	if (!st || (kind == EMBER_PROCESS_EXIT && (__u32)pid_tgid != tgid))
		return;
	if (kind == EMBER_PROCESS_EXEC) {
		if (bpf_map_delete_elem(&known_pids, &tgid) == 0)
			emit_process_event(tgid, kind, st);
		return;
	}
	state = bpf_map_lookup_elem(&known_pids, &tgid);
	if (state && *state != EMBER_KNOWN_EXITED) {
		*state = EMBER_KNOWN_EXITED;
		emit_process_event(tgid, kind, st);
	}
}

static __always_inline void record_sample(void *ctx, struct sampler_control *ctl, struct sampler_stats *st)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u32 flags = ctl->flags;
	struct sample_key key = {};

	st->samples++;

	if ((__u32)pid_tgid == 0 && !(flags & EMBER_FLAG_SAMPLE_IDLE)) {
		st->filtered_idle++;
		return;
	}
	if ((flags & EMBER_FLAG_FILTER_PIDS) && !bpf_map_lookup_elem(&pid_filter, &tgid)) {
		st->filtered_pid++;
		return;
	}

	/* Read after the epoch became odd (see sample_cpu): the agent may flip it at any time. */
	__u32 slot = *(volatile __u32 *)&ctl->active_slot;

	announce_if_new(tgid, st);
	key.pid = tgid;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	if (slot == 0) {
		unwind_frame_pointers(ctx, &stacks_0, &key, st);
		add_count(&counts_0, &key, st);
	} else {
		unwind_frame_pointers(ctx, &stacks_1, &key, st);
		add_count(&counts_1, &key, st);
	}
}

SEC("perf_event")
int sample_cpu(void *ctx)
{
	__u32 zero = 0;
	struct sampler_control *ctl = bpf_map_lookup_elem(&control, &zero);
	struct sampler_stats *st = bpf_map_lookup_elem(&stats, &zero);
	__u64 *epoch = bpf_map_lookup_elem(&epochs, &zero);

	if (!ctl || !st || !epoch)
		return 0;

	/*
	 * The epoch is odd while this CPU works on a sample. The atomic add is a full barrier (lock add
	 * on x86), so the active slot is read after the epoch turned odd: once the agent has flipped
	 * the slot, a CPU with an even epoch, or whose odd epoch has moved on, cannot write the old
	 * slot. Known issue: on arm64 a non-fetching atomic add is no barrier; that build will need a
	 * fetching one (-mcpu=v3).
	 */
	__sync_fetch_and_add(epoch, 1);
	record_sample(ctx, ctl, st);
	__sync_fetch_and_add(epoch, 1);
	return 0;
}

SEC("raw_tracepoint/sched_process_exec")
int process_exec(void *ctx)
{
	forget_process(EMBER_PROCESS_EXEC);
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int process_exit(void *ctx)
{
	forget_process(EMBER_PROCESS_EXIT);
	return 0;
}
