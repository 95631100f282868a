/* Maps for the BpfMap tests; the program only exists so the object has one. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} numbers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

SEC("perf_event")
int count_per_cpu(void *ctx)
{
	__u32 zero = 0;
	__u64 *value = bpf_map_lookup_elem(&per_cpu, &zero);

	if (value)
		(*value)++;
	return 0;
}
