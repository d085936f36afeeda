/*
 * A function that calls the same helper twice: with libbpf's function-pointer
 * helpers gcc 12 loads the pointer into a register once and makes indirect
 * calls, which BPF does not have; kernel_helper prototypes are direct calls.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("syscall")
int helper_twice(void *ctx)
{
	__u32 k0 = 0, k1 = 1;
	__u64 *a = bpf_map_lookup_elem(&counters, &k0);
	__u64 *b = bpf_map_lookup_elem(&counters, &k1);

	if (!a || !b)
		return -1;
	*a = 40;
	*b = 2;
	return *a + *b;
}

char _license[] SEC("license") = "GPL";
