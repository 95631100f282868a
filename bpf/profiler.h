/*
 * profiler.h: the ABI between profiler.bpf.c and the agent (Ember.Agent.Sampling.ProfilerAbi).
 *
 * Every struct and constant that crosses the kernel boundary lives here, built only from fixed-width
 * __u8 to __u64 fields at their natural alignment, so both sides lay it out the same way. The includer provides those types: <linux/types.h>
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
 *
 * User stacks without frame pointers: the agent turns each executable file's .eh_frame into rows
 * (unwind_row) in one shared array (unwind_rows) and gives every process it has read the list of its
 * executable mappings (process_unwind in unwind_processes), each pointing at its file's rows. The
 * program then walks the user stack itself, frame by frame: by the row covering the pc where a
 * mapping has one, by frame pointers where it has none (Go, JIT code, files without .eh_frame).
 * Stacks it walks go to the slot's user stack map (ustacks_0/1), keyed by a hash of their frames
 * with EMBER_OWN_STACK set in sample_key.user_stack_id; the kernel's stack map keeps kernel stacks,
 * and user stacks when the walk cannot run (EMBER_FLAG_UNWIND off, or the tail call failed).
 *
 * Python: for a CPython process the agent describes (python_process in python_processes: where the
 * interpreter's thread list is, and its version's struct offsets), the walk then finds the sampled
 * thread's PyThreadState by its thread id and follows its frame chain (_PyInterpreterFrame from 3.11,
 * PyFrameObject in 3.10; python_process.flags say how the version differs). Those
 * frames follow the native ones in the same stack, after one EMBER_PYTHON_MARK word, each one word:
 * the code object's address | EMBER_PYTHON_ENTRY when the frame was entered from C (its native
 * _PyEval_EvalFrameDefault frame ends there) | the instruction's index << EMBER_PYTHON_INDEX_SHIFT.
 * A code object the walk meets for the first time in a process (python_codes) is reported on
 * process_events, so the agent reads its names while the process lives, not at the next drain.
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
#define EMBER_PROCESS_PYTHON_CODE 4 /* a CPython process ran a code object (process_event.address) not reported before */

/* Entries of python_codes: (process, code object) pairs reported, least recently seen go first. */
#define EMBER_PYTHON_CODES_ENTRIES 16384

/* sampler_control.flags */
#define EMBER_FLAG_FILTER_PIDS 0x1U /* count only processes listed in pid_filter */
#define EMBER_FLAG_SAMPLE_IDLE 0x2U /* count the idle task (pid 0) too */
#define EMBER_FLAG_UNWIND 0x4U      /* walk user stacks in the program (tables, then frame pointers) */

/* A user_stack_id with this bit refers to the slot's ustacks map, not to its stack map. */
#define EMBER_OWN_STACK 0x80000000U

/* Executable mappings per process the walk knows; the rest are walked by frame pointers. */
#define EMBER_MAX_UNWIND_MAPPINGS 64

/* Frames the walk takes per program run; it tail-calls itself for the next ones. */
#define EMBER_FRAMES_PER_RUN 4

/* Halvings of a table search: tables hold at most 2^22 rows. */
#define EMBER_ROW_SEARCH_STEPS 22
#define EMBER_MAX_TABLE_ROWS (1U << EMBER_ROW_SEARCH_STEPS)

/* The word between a stack's native frames and its Python frames (no user pc is this high). */
#define EMBER_PYTHON_MARK 0xfffffffffffffffeULL
/* Python frame word: the code object is 8-byte aligned, its address below 2^47. */
#define EMBER_PYTHON_ENTRY 0x1ULL
#define EMBER_PYTHON_INDEX_SHIFT 48
#define EMBER_PYTHON_CODE_MASK 0x0000fffffffffff8ULL
/* Python frames the walk takes, and threads it searches for the sampled one. */
#define EMBER_MAX_PYTHON_FRAMES 48
#define EMBER_MAX_PYTHON_THREADS 64
/* python_process.flags: how a CPython version differs from 3.11's layout. */
#define EMBER_PYTHON_PTHREAD_ID 0x1  /* thread_native_id is PyThreadState.thread_id: pthread_self(), the thread's fs base (3.10) */
#define EMBER_PYTHON_DIRECT_FRAME 0x2 /* thread_cframe is the current frame itself, no _PyCFrame (3.10 tstate->frame, 3.13 current_frame) */
#define EMBER_PYTHON_LASTI 0x4       /* frame_instr is an int instruction index (3.10 f_lasti), not a code unit pointer */
#define EMBER_PYTHON_OWNER 0x8       /* frame_entry is the owner byte: a frame owned by the C stack is a shim marking an entry (3.12+) */
#define EMBER_PYTHON_ALL_ENTRY 0x10  /* every frame has its own _PyEval_EvalFrameDefault (3.10) */
/* _PyInterpreterFrame.owner of the shim frame _PyEval_EvalFrameDefault pushes (FRAME_OWNED_BY_CSTACK). */
#define EMBER_PYTHON_OWNED_BY_CSTACK 3

/* unwind_mapping.first_row when the mapping's table was evicted (row_count is then 0). */
#define EMBER_TABLE_EVICTED 0xffffffffU

/* unwind_row.rule, low nibble: how the canonical frame address (CFA) is found. */
#define EMBER_CFA_NONE 0        /* no FDE covers the pc: walk by frame pointers */
#define EMBER_CFA_SP 1          /* CFA = rsp + cfa_offset */
#define EMBER_CFA_FP 2          /* CFA = rbp + cfa_offset */
#define EMBER_CFA_PLT 3         /* CFA = rsp + 8 + ((rip & 15) >= cfa_offset ? 8 : 0): a PLT stub */
#define EMBER_CFA_UNSUPPORTED 4 /* covered by a rule the walk cannot follow (the outermost frame, a signal frame): the walk ends */
/* unwind_row.rule, high nibble: where the caller's rbp is. */
#define EMBER_FP_AT_CFA 0x10    /* at CFA + fp_offset * 8; otherwise rbp keeps its value */

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

/*
 * One row of an unwind table: from pc (an offset from the table's lowest address) up to the next
 * row's pc, the CFA and the caller's rbp are found this way; the return address is at CFA - 8.
 */
struct unwind_row {
	__u32 pc;
	__u16 cfa_offset; /* signed */
	__u8 fp_offset;   /* signed, in 8-byte words */
	__u8 rule;        /* EMBER_CFA_* | EMBER_FP_AT_CFA */
};

/* One executable mapping of a process: a pc in [start, end) has table pc (pc - bias). */
struct unwind_mapping {
	__u64 start;
	__u64 end;
	__u64 bias;
	__u32 first_row; /* index in unwind_rows of the table's first row, or EMBER_TABLE_EVICTED */
	__u32 row_count; /* 0: no table, walk by frame pointers */
};

/* Value of unwind_processes: the mappings sorted by start. */
struct process_unwind {
	__u32 count;
	__u32 reserved;
	struct unwind_mapping mappings[EMBER_MAX_UNWIND_MAPPINGS];
};

/* How the walk went, cumulative; one frame or stack can count in several. */
struct unwind_stats {
	__u64 stacks;          /* user stacks walked */
	__u64 frames_table;    /* frames stepped by a table row */
	__u64 frames_fp;       /* frames stepped by frame pointers */
	__u64 no_process;      /* stacks of a process the agent has not read yet: frame pointers only */
	__u64 no_table;        /* frames in a mapping without a table, or outside every known mapping */
	__u64 table_evicted;   /* frames whose table was evicted under the memory budget */
	__u64 no_row;          /* frames whose pc no row covers */
	__u64 unsupported;     /* walks that ended on a rule they cannot follow (mostly the outermost frame) */
	__u64 read_fault;      /* walks that ended on a user memory read that failed */
	__u64 depth;           /* walks cut at EMBER_MAX_STACK_DEPTH frames */
	__u64 tail_call_failed;/* walks that could not continue in a new run and were cut there */
	__u64 stack_collisions;/* user stacks lost: another stack has the same hash in ustacks */
	__u64 stack_map_full;  /* user stacks lost: ustacks had no room */
};

/*
 * Value of python_processes: one CPython process. Offsets are bytes into the struct named, for the
 * process's CPython minor version (Ember.Agent.Python.CPythonLayout).
 */
struct python_process {
	__u64 interpreters_head;   /* address of _PyRuntime.interpreters.head (the main interpreter) */
	__u16 interp_threads_head; /* PyInterpreterState.threads.head */
	__u16 thread_next;         /* PyThreadState.next */
	__u16 thread_native_id;    /* PyThreadState.native_thread_id (thread_id with EMBER_PYTHON_PTHREAD_ID) */
	__u16 thread_cframe;       /* PyThreadState.cframe (the frame itself with EMBER_PYTHON_DIRECT_FRAME) */
	__u16 cframe_current;      /* _PyCFrame.current_frame */
	__u16 frame_code;          /* _PyInterpreterFrame.f_code / f_executable, PyFrameObject.f_code */
	__u16 frame_previous;      /* _PyInterpreterFrame.previous, PyFrameObject.f_back */
	__u16 frame_instr;         /* _PyInterpreterFrame.prev_instr / instr_ptr, PyFrameObject.f_lasti */
	__u16 frame_entry;         /* _PyInterpreterFrame.is_entry, or owner (one byte) */
	__u16 code_units;          /* PyCodeObject.co_code_adaptive: the first instruction */
	__u16 flags;               /* EMBER_PYTHON_* */
	__u16 reserved;
};

/* How Python walks went, cumulative. */
struct python_stats {
	__u64 stacks;     /* samples of a described CPython process */
	__u64 frames;     /* Python frames recorded */
	__u64 no_thread;  /* the sampled thread is no Python thread (or not among the first EMBER_MAX_PYTHON_THREADS) */
	__u64 no_frame;   /* the thread runs no Python code */
	__u64 read_fault; /* a read of the interpreter's memory failed */
	__u64 truncated;  /* walks cut at EMBER_MAX_PYTHON_FRAMES or at the stack's depth */
};

/* One record of the process_events ring buffer. */
struct process_event {
	__u32 pid;     /* thread group id */
	__u32 kind;    /* EMBER_PROCESS_* */
	__u32 comm[4]; /* name of the thread that caused the event: 16 bytes, NUL-padded */
	__u64 address; /* EMBER_PROCESS_PYTHON_CODE: the code object, for the agent to read while the process lives */
};

/* Key of python_codes. */
struct python_code_key {
	__u32 pid;
	__u32 reserved;
	__u64 code;
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
	struct unwind_stats unwind;
	struct python_stats python;
};

_Static_assert(sizeof(struct sampler_control) == 8, "sampler_control layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct sample_key) == 28, "sample_key layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct stack_errors) == 32, "stack_errors layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct python_code_key) == 16, "python_code_key layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct process_event) == 32, "process_event layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct unwind_row) == 8, "unwind_row layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct unwind_mapping) == 32, "unwind_mapping layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct process_unwind) == 8 + 32 * EMBER_MAX_UNWIND_MAPPINGS, "process_unwind layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct unwind_stats) == 104, "unwind_stats layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct python_process) == 32, "python_process layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct python_stats) == 48, "python_stats layout changed: update ProfilerAbi.cs");
_Static_assert(sizeof(struct sampler_stats) == 256, "sampler_stats layout changed: update ProfilerAbi.cs");
_Static_assert(__builtin_offsetof(struct sampler_stats, user_stack) == 32, "sampler_stats layout changed: update ProfilerAbi.cs");

#endif /* EMBER_PROFILER_H */
