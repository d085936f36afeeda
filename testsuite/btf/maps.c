/* BTF-defined maps of every common kind. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair { __u32 a; __u64 b; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct pair);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, long);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16);
	__type(key, long);
	__type(value, int);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

SEC("syscall")
int fill(void *ctx)
{
	__u32 k = 3;
	struct pair p = { .a = 7, .b = 0x100000001ULL };
	bpf_map_update_elem(&hash, &k, &p, BPF_ANY);
	__u64 *slot = bpf_map_lookup_elem(&arr, &k);
	if (slot)
		*slot += 42;
	__u32 z = 0;
	/* Per-CPU state is only read: runs may land on different CPUs. */
	long *c = bpf_map_lookup_elem(&pcpu, &z);
	if (!c)
		return -1;
	long lk = -9;
	int lv = 11;
	bpf_map_update_elem(&lru, &lk, &lv, BPF_ANY);
	int *e = bpf_ringbuf_reserve(&rb, sizeof(int), 0);
	if (e) {
		*e = 1;
		bpf_ringbuf_submit(e, 0);
	}
	return (int)*c;
}

char LICENSE[] SEC("license") = "GPL";
