/* syscall program: a per-CPU array as a scratch counter (reset on every run, since runs may change CPU). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");

SEC("syscall")
int map_percpu_array(__u32 *n)
{
	__u32 zero = 0, i;
	__u64 *acc = bpf_map_lookup_elem(&scratch, &zero);

	if (!acc)
		return -1;
	*acc = 0;
	for (i = 0; i < 10; i++)
		if (i < *n)
			*acc += i * i;
	return *acc;
}

char _license[] SEC("license") = "GPL";
