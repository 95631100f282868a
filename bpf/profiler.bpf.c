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
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_PROG_ARRAY 3
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

/*
 * The kernel fields read, relocated against the running kernel's BTF by libbpf (CO-RE): only the
 * fields named here, wherever this kernel keeps them.
 */
struct thread_struct {
	unsigned long fsbase;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_struct thread;
} __attribute__((preserve_access_index));

/* GPL-compatible: bpf_get_stackid is a GPL-only helper. */
char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Default sizes; the agent resizes the maps before load (CpuSamplerOptions). */
#define DEFAULT_COUNT_ENTRIES 16384
#define DEFAULT_STACK_ENTRIES 16384
#define DEFAULT_PID_FILTER_ENTRIES 1024
#define DEFAULT_UNWIND_ROWS (1 << 20)
#define DEFAULT_UNWIND_PROCESSES 4096

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

/* The frames of a walked user stack, zero after the last: a stack map's value layout. */
struct user_stack {
	__u64 frames[EMBER_MAX_STACK_DEPTH];
};

/* User stacks the program walked, by hash. */
struct ustacks_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_STACK_ENTRIES);
	__type(key, __u32);
	__type(value, struct user_stack);
};

/* Every table's rows, back to back; the agent allocates and writes them. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DEFAULT_UNWIND_ROWS);
	__type(key, __u32);
	__type(value, struct unwind_row);
} unwind_rows SEC(".maps");

/* The executable mappings of every process the agent has read, by thread group id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_UNWIND_PROCESSES);
	__type(key, __u32);
	__type(value, struct process_unwind);
} unwind_processes SEC(".maps");

/* A walk in progress, per CPU: it outlives one program run across the tail calls. */
struct unwind_state {
	struct sample_key key;
	__u32 slot;
	__u64 ip;
	__u64 sp;
	__u64 bp;
	__u32 depth;
	__u32 runs;
	__u64 frames[EMBER_MAX_STACK_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct unwind_state);
} unwind_scratch SEC(".maps");

/* The CPython processes the agent has described, by thread group id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DEFAULT_UNWIND_PROCESSES);
	__type(key, __u32);
	__type(value, struct python_process);
} python_processes SEC(".maps");

/* (process, code object) pairs already reported on process_events. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EMBER_PYTHON_CODES_ENTRIES);
	__type(key, struct python_code_key);
	__type(value, __u8);
} python_codes SEC(".maps");

/* Slot 0: walk_user_stack, slot 1: walk_python_stack. The agent fills them after load. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} unwind_programs SEC(".maps");

struct counts_map counts_0 SEC(".maps");
struct counts_map counts_1 SEC(".maps");
struct stacks_map stacks_0 SEC(".maps");
struct stacks_map stacks_1 SEC(".maps");
struct ustacks_map ustacks_0 SEC(".maps");
struct ustacks_map ustacks_1 SEC(".maps");

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

/* The first registers of struct pt_regs on x86-64 (the uapi layout, also bpf_perf_event_data.regs). */
struct user_regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

/*
 * The user registers of the sampled task: the interrupted ones when the sample hit user mode, else
 * those saved on kernel entry (bpf_task_pt_regs, 5.15+). False for a kernel thread: no user stack.
 */
static __always_inline bool read_user_regs(void *ctx, struct user_regs *regs)
{
	struct user_regs *interrupted = ctx;

	if ((interrupted->cs & 3) == 3) {
		regs->ip = interrupted->ip;
		regs->sp = interrupted->sp;
		regs->bp = interrupted->bp;
		return true;
	}
	struct task_struct *task = bpf_get_current_task_btf();
	struct user_regs *saved = (struct user_regs *)bpf_task_pt_regs(task);
	if (!saved || bpf_probe_read_kernel(regs, sizeof(*regs), saved) != 0)
		return false;
	return (regs->cs & 3) == 3 && regs->ip != 0;
}

/*
 * Starts a walk of the user stack; walk_user_stack then counts the sample. Returns only when the
 * walk cannot run: the caller counts the sample itself, with no user stack for a kernel thread.
 */
static __always_inline void begin_walk(void *ctx, struct sample_key *key, __u32 slot, struct sampler_stats *st)
{
	__u32 zero = 0;
	struct unwind_state *state = bpf_map_lookup_elem(&unwind_scratch, &zero);
	struct user_regs regs = {};

	if (!state)
		return;
	if (!read_user_regs(ctx, &regs)) {
		key->user_stack_id = EMBER_NO_STACK;
		st->user_stack.no_frames++;
		return;
	}
	state->key = *key;
	state->slot = slot;
	state->ip = regs.ip;
	state->sp = regs.sp;
	state->bp = regs.bp;
	state->depth = 0;
	state->runs = 0;
	st->unwind.stacks++;
	if (!bpf_map_lookup_elem(&unwind_processes, &key->pid))
		st->unwind.no_process++;
	bpf_tail_call(ctx, &unwind_programs, 0);
	/* Only reached when the tail call failed: the kernel's frame-pointer walk stands in. */
	st->unwind.tail_call_failed++;
}

static __always_inline void record_sample(void *ctx, struct sampler_control *ctl, struct sampler_stats *st)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u32 flags = ctl->flags;
	struct sample_key key = {};
	void *stack_map;
	long id;

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
	stack_map = slot == 0 ? (void *)&stacks_0 : (void *)&stacks_1;

	announce_if_new(tgid, st);
	key.pid = tgid;
	bpf_get_current_comm(&key.comm, sizeof(key.comm));

	id = bpf_get_stackid(ctx, stack_map, 0);
	if (id >= 0) {
		key.kernel_stack_id = id;
	} else {
		key.kernel_stack_id = EMBER_NO_STACK;
		count_stack_error(id, &st->kernel_stack);
	}

	/* A walk that starts ends in walk_user_stack, which counts the sample and closes the epoch. */
	if (flags & EMBER_FLAG_UNWIND)
		begin_walk(ctx, &key, slot, st);
	if (key.user_stack_id != EMBER_NO_STACK) {
		id = bpf_get_stackid(ctx, stack_map, BPF_F_USER_STACK);
		if (id >= 0) {
			key.user_stack_id = id;
		} else {
			key.user_stack_id = EMBER_NO_STACK;
			count_stack_error(id, &st->user_stack);
		}
	}
	add_count(slot == 0 ? (void *)&counts_0 : (void *)&counts_1, &key, st);
}

/* The mapping of proc holding pc, or NULL. Mappings are sorted by start and do not overlap. */
static __always_inline struct unwind_mapping *find_mapping(struct process_unwind *proc, __u64 pc)
{
	__u32 lo = 0, hi = proc->count;

	if (hi > EMBER_MAX_UNWIND_MAPPINGS)
		hi = EMBER_MAX_UNWIND_MAPPINGS;
	/* lo ends as the number of mappings that start at or below pc: 7 halvings cover 64. */
	for (int i = 0; i < 7 && lo < hi; i++) {
		__u32 mid = (lo + hi) / 2;

		if (mid >= EMBER_MAX_UNWIND_MAPPINGS)
			return NULL;
		if (proc->mappings[mid].start <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || lo > EMBER_MAX_UNWIND_MAPPINGS)
		return NULL;
	struct unwind_mapping *mapping = &proc->mappings[lo - 1];
	return pc < mapping->end ? mapping : NULL;
}

/* The row of mapping's table covering table pc, or NULL when pc is before its first row. */
static __always_inline struct unwind_row *find_row(struct unwind_mapping *mapping, __u32 pc)
{
	__u32 first = mapping->first_row, count = mapping->row_count;
	__u32 lo, hi;

	if (count > EMBER_MAX_TABLE_ROWS)
		return NULL;
	lo = first;
	hi = first + count;
	/* lo ends as the first row past pc: 23 halvings cover 2^22 rows. */
	for (int i = 0; i < EMBER_ROW_SEARCH_STEPS + 1 && lo < hi; i++) {
		__u32 mid = lo + (hi - lo) / 2;
		struct unwind_row *row = bpf_map_lookup_elem(&unwind_rows, &mid);

		if (!row)
			return NULL;
		if (row->pc <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == first)
		return NULL;
	lo--;
	return bpf_map_lookup_elem(&unwind_rows, &lo);
}

/*
 * The row to step the current frame by, or NULL to use frame pointers; counts why not a row. Sets
 * *end for a rule the walk cannot follow: mostly the outermost frame (_start, clone: the return
 * address is undefined), where frame pointers would only add a frame of garbage.
 */
static __always_inline struct unwind_row *row_for(struct process_unwind *proc, __u64 pc, struct unwind_stats *us, bool *end)
{
	struct unwind_mapping *mapping = proc ? find_mapping(proc, pc) : NULL;
	struct unwind_row *row;

	if (!proc)
		return NULL;
	if (!mapping || (mapping->row_count == 0 && mapping->first_row != EMBER_TABLE_EVICTED)) {
		us->no_table++;
		return NULL;
	}
	if (mapping->first_row == EMBER_TABLE_EVICTED) {
		us->table_evicted++;
		return NULL;
	}
	if (pc < mapping->bias || pc - mapping->bias > 0xffffffffULL) {
		us->no_row++;
		return NULL;
	}
	row = find_row(mapping, (__u32)(pc - mapping->bias));
	if (!row || (row->rule & 0xf) == EMBER_CFA_NONE) {
		us->no_row++;
		return NULL;
	}
	if ((row->rule & 0xf) > EMBER_CFA_PLT) {
		us->unsupported++;
		*end = true;
		return NULL;
	}
	return row;
}

/* Records the current frame and moves to its caller; false when the walk ends here. */
static __always_inline bool step_frame(struct unwind_state *state, struct process_unwind *proc, struct unwind_stats *us)
{
	__u32 depth = state->depth;
	__u64 ip = state->ip;

	if (depth >= EMBER_MAX_STACK_DEPTH) {
		us->depth++;
		return false;
	}
	state->frames[depth] = ip;
	state->depth = depth + 1;

	/* A caller's ip is a return address, maybe past the call's function: look up the call itself. */
	bool end = false;
	struct unwind_row *row = row_for(proc, depth == 0 ? ip : ip - 1, us, &end);
	__u64 words[2];

	if (end)
		return false;
	if (row) {
		__s64 offset = (__s16)row->cfa_offset;
		__u8 rule = row->rule;
		__u64 cfa;

		if ((rule & 0xf) == EMBER_CFA_SP)
			cfa = state->sp + offset;
		else if ((rule & 0xf) == EMBER_CFA_FP)
			cfa = state->bp + offset;
		else
			cfa = state->sp + 8 + ((__s64)(ip & 15) >= offset ? 8 : 0);
		if (bpf_probe_read_user(&words[1], sizeof(words[1]), (void *)(cfa - 8)) != 0) {
			us->read_fault++;
			return false;
		}
		if (rule & EMBER_FP_AT_CFA) {
			__s64 at = (__s8)row->fp_offset * 8;
			if (bpf_probe_read_user(&words[0], sizeof(words[0]), (void *)(cfa + at)) != 0) {
				us->read_fault++;
				return false;
			}
			state->bp = words[0];
		}
		/* The stack grows down: a caller's frame is above its callee's, or the rows are wrong. */
		if (cfa <= state->sp)
			return false;
		state->sp = cfa;
		state->ip = words[1];
		us->frames_table++;
	} else {
		if (state->bp == 0)
			return false;
		if (bpf_probe_read_user(words, sizeof(words), (void *)state->bp) != 0) {
			us->read_fault++;
			return false;
		}
		state->sp = state->bp + 16;
		state->bp = words[0];
		state->ip = words[1];
		us->frames_fp++;
	}
	return state->ip != 0;
}

/* Stores the walked stack in the slot's ustacks map and counts the sample under it. */
static __always_inline void finish_walk(struct unwind_state *state, struct sampler_stats *st)
{
	__u64 hash = 14695981039346656037ULL;
	__u32 depth = state->depth;
	void *ustacks = state->slot == 0 ? (void *)&ustacks_0 : (void *)&ustacks_1;
	__u64 *stored;

	/* FNV-1a over the frames; the frames past the depth are zeroed, as in a stack map. */
	for (int i = 0; i < EMBER_MAX_STACK_DEPTH; i++) {
		if (i < depth)
			hash = (hash ^ state->frames[i]) * 1099511628211ULL;
		else
			state->frames[i] = 0;
	}
	__u32 id = ((__u32)hash ^ (__u32)(hash >> 32)) | EMBER_OWN_STACK;
	if (id == EMBER_NO_STACK)
		id ^= 1;

	stored = bpf_map_lookup_elem(ustacks, &id);
	if (!stored) {
		long err = bpf_map_update_elem(ustacks, &id, state->frames, BPF_NOEXIST);

		/* Another CPU stored the same hash first: compare with what it stored. */
		if (err == -EEXIST)
			stored = bpf_map_lookup_elem(ustacks, &id);
		else if (err != 0) {
			st->unwind.stack_map_full++;
			id = EMBER_NO_STACK;
		}
	}
	for (int i = 0; stored && i < EMBER_MAX_STACK_DEPTH; i++) {
		if (stored[i] != state->frames[i]) {
			st->unwind.stack_collisions++;
			id = EMBER_NO_STACK;
			break;
		}
	}
	state->key.user_stack_id = id;
	add_count(state->slot == 0 ? (void *)&counts_0 : (void *)&counts_1, &state->key, st);
}

/*
 * Walks EMBER_FRAMES_PER_RUN frames of the user stack begun by sample_cpu, then tail-calls itself
 * for the next ones; the last run counts the sample and closes the epoch sample_cpu opened.
 */
SEC("perf_event")
int walk_user_stack(void *ctx)
{
	__u32 zero = 0;
	struct unwind_state *state = bpf_map_lookup_elem(&unwind_scratch, &zero);
	struct sampler_stats *st = bpf_map_lookup_elem(&stats, &zero);
	__u64 *epoch = bpf_map_lookup_elem(&epochs, &zero);
	bool more = true;

	if (!state || !st || !epoch)
		return 0;

	struct process_unwind *proc = bpf_map_lookup_elem(&unwind_processes, &state->key.pid);
	for (int i = 0; i < EMBER_FRAMES_PER_RUN && more; i++)
		more = step_frame(state, proc, &st->unwind);

	if (more) {
		state->runs++;
		bpf_tail_call(ctx, &unwind_programs, 0);
		/* The kernel allows 33 tail calls: 34 runs of EMBER_FRAMES_PER_RUN frames reach EMBER_MAX_STACK_DEPTH. */
		st->unwind.tail_call_failed++;
	}
	if (bpf_map_lookup_elem(&python_processes, &state->key.pid)) {
		bpf_tail_call(ctx, &unwind_programs, 1);
		st->unwind.tail_call_failed++;
	}
	finish_walk(state, st);
	__sync_fetch_and_add(epoch, 1);
	return 0;
}

static __always_inline bool read_word(__u64 *into, __u64 address)
{
	return bpf_probe_read_user(into, sizeof(*into), (void *)address) == 0;
}

/* The PyThreadState of the sampled thread (matched by its native id), or 0. */
static __always_inline __u64 python_thread(struct python_process *py, struct python_stats *ps)
{
	__u64 want = (__u32)bpf_get_current_pid_tgid();
	__u64 interp, thread, id;

	if (!read_word(&interp, py->interpreters_head) || !read_word(&thread, interp + py->interp_threads_head)) {
		ps->read_fault++;
		return 0;
	}
	/* glibc's pthread_self() is the thread's TCB, which the fs base points at. */
	if ((py->flags & EMBER_PYTHON_PTHREAD_ID) &&
	    bpf_probe_read_kernel(&want, sizeof(want), &bpf_get_current_task_btf()->thread.fsbase) != 0) {
		ps->read_fault++;
		return 0;
	}
	for (int i = 0; i < EMBER_MAX_PYTHON_THREADS && thread; i++) {
		if (!read_word(&id, thread + py->thread_native_id)) {
			ps->read_fault++;
			return 0;
		}
		if (id == want)
			return thread;
		if (!read_word(&thread, thread + py->thread_next)) {
			ps->read_fault++;
			return 0;
		}
	}
	ps->no_thread++;
	return 0;
}

/* Reports a code object on process_events the first time a walk of pid meets it; retried when the ring was full. */
static __always_inline void report_code(__u32 pid, __u64 code, struct sampler_stats *st)
{
	struct python_code_key key = { .pid = pid, .code = code };
	__u8 reported = 1;

	if (bpf_map_lookup_elem(&python_codes, &key) || bpf_map_update_elem(&python_codes, &key, &reported, BPF_NOEXIST) != 0)
		return;
	struct process_event event = { .pid = pid, .kind = EMBER_PROCESS_PYTHON_CODE, .address = code };
	if (bpf_ringbuf_output(&process_events, &event, sizeof(event), 0) != 0) {
		st->process_events_lost++;
		bpf_map_delete_elem(&python_codes, &key);
	}
}

/* Appends word to the walked stack; false when the stack is full. */
static __always_inline bool push_frame(struct unwind_state *state, __u64 word)
{
	__u32 depth = state->depth;

	if (depth >= EMBER_MAX_STACK_DEPTH)
		return false;
	state->frames[depth] = word;
	state->depth = depth + 1;
	return true;
}

/* The code unit index a frame is at: 3.10 keeps it, later versions point at the unit. */
static __always_inline __u64 python_index(struct python_process *py, __u64 code, __u64 instr)
{
	if (py->flags & EMBER_PYTHON_LASTI) {
		__s32 lasti = (__s32)instr;
		return lasti > 0 ? (lasti > 0xffff ? 0xffff : lasti) : 0;
	}
	/* prev_instr is one code unit (2 bytes) before the first instruction until the frame starts. */
	__u64 first = code + py->code_units;
	__u64 index = instr >= first ? (instr - first) / 2 : 0;
	return index > 0xffff ? 0xffff : index;
}

/* Marks the frame pushed last as entered from C, when it is a Python frame (not the mark). */
static __always_inline void mark_entry(struct unwind_state *state)
{
	__u32 last = state->depth - 1;

	if (last < EMBER_MAX_STACK_DEPTH && state->frames[last] != EMBER_PYTHON_MARK)
		state->frames[last] |= EMBER_PYTHON_ENTRY;
}

/* Appends the sampled thread's Python frames, innermost first, after EMBER_PYTHON_MARK. */
static __always_inline void walk_python(struct unwind_state *state, struct python_process *py, struct sampler_stats *st)
{
	struct python_stats *ps = &st->python;
	__u64 thread, frame, code, instr = 0;
	__u8 entry;

	ps->stacks++;
	thread = python_thread(py, ps);
	if (!thread)
		return;
	if (!read_word(&frame, thread + py->thread_cframe) ||
	    (!(py->flags & EMBER_PYTHON_DIRECT_FRAME) && !read_word(&frame, frame + py->cframe_current))) {
		ps->read_fault++;
		return;
	}
	if (!frame) {
		ps->no_frame++;
		return;
	}
	/* Room for the mark and one frame at least. */
	if (state->depth >= EMBER_MAX_STACK_DEPTH - 1 || !push_frame(state, EMBER_PYTHON_MARK)) {
		ps->truncated++;
		return;
	}
	for (int i = 0; i < EMBER_MAX_PYTHON_FRAMES && frame; i++) {
		/* f_lasti is an int: only its low half is read, so the rest of the word stays 0. */
		if (!read_word(&code, frame + py->frame_code) ||
		    bpf_probe_read_user(&instr, (py->flags & EMBER_PYTHON_LASTI) ? 4 : 8, (void *)(frame + py->frame_instr)) != 0 ||
		    bpf_probe_read_user(&entry, sizeof(entry), (void *)(frame + py->frame_entry)) != 0 ||
		    !read_word(&frame, frame + py->frame_previous)) {
			ps->read_fault++;
			break;
		}
		if (py->flags & EMBER_PYTHON_OWNER) {
			/* A shim frame runs no Python code: the frame before it was entered from C. */
			if (entry == EMBER_PYTHON_OWNED_BY_CSTACK) {
				mark_entry(state);
				continue;
			}
			entry = 0;
		}
		if (py->flags & EMBER_PYTHON_ALL_ENTRY)
			entry = 1;
		if (!push_frame(state, (code & EMBER_PYTHON_CODE_MASK) | (entry ? EMBER_PYTHON_ENTRY : 0) |
					       (python_index(py, code, instr) << EMBER_PYTHON_INDEX_SHIFT))) {
			ps->truncated++;
			break;
		}
		ps->frames++;
		report_code(state->key.pid, code & EMBER_PYTHON_CODE_MASK, st);
		if (i == EMBER_MAX_PYTHON_FRAMES - 1 && frame)
			ps->truncated++;
	}
}

/* The last run of a walk in a CPython process: adds its Python frames, counts the sample, closes the epoch. */
SEC("perf_event")
int walk_python_stack(void *ctx)
{
	__u32 zero = 0;
	struct unwind_state *state = bpf_map_lookup_elem(&unwind_scratch, &zero);
	struct sampler_stats *st = bpf_map_lookup_elem(&stats, &zero);
	__u64 *epoch = bpf_map_lookup_elem(&epochs, &zero);

	if (!state || !st || !epoch)
		return 0;

	struct python_process *py = bpf_map_lookup_elem(&python_processes, &state->key.pid);
	if (py)
		walk_python(state, py, st);
	finish_walk(state, st);
	__sync_fetch_and_add(epoch, 1);
	return 0;
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
