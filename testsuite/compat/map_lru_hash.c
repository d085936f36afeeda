/* syscall program: an LRU hash map declared with map_flags and pinning (libbpf enum) in its definition. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(pinning, LIBBPF_PIN_NONE);
	__type(key, __u32);
	__type(value, __u32);
} lru SEC(".maps");

SEC("syscall")
int map_lru_hash(__u32 *base)
{
	__u32 k = *base, v = 7;
	__u32 *p;

	if (bpf_map_update_elem(&lru, &k, &v, BPF_ANY))
		return -1;
	p = bpf_map_lookup_elem(&lru, &k);
	return p ? *p + k : -2;
}

char _license[] SEC("license") = "GPL";
