/* syscall program: counters in globals (.bss, .data) and in an array map value, updated with __sync and __atomic builtins; results used and unused, cmpxchg that succeeds and fails. */
// gcc-12 cannot: its BPF back end has no atomics but the add whose result is unused; it calls library functions (__sync_fetch_and_or_4, __sync_fetch_and_add_8, ...) instead, which fail: an unresolved extern at load with libbpf's headers, "indirect call" with ours
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats {
	__u64 packets;
	__u32 errors;
	__u32 state;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct stats);
} stats_map SEC(".maps");

__u64 total;
__u32 runs;
__u64 owner = 7;
__u32 mask = 0xff;

SEC("syscall")
int atomic_counters(__u32 *in)
{
	__u32 key = *in & 3;
	struct stats *s = bpf_map_lookup_elem(&stats_map, &key);
	__u64 before;
	__u32 old_state;
	int took;

	if (!s)
		return -1;
	/* Results unused. */
	__sync_fetch_and_add(&s->packets, *in);
	__sync_fetch_and_add(&runs, 1);
	__sync_fetch_and_or(&mask, 0x100);
	__sync_fetch_and_xor(&s->errors, 1);
	__atomic_fetch_sub(&total, 1, __ATOMIC_RELAXED);
	/* Results used. */
	before = __sync_fetch_and_add(&total, *in * 10);
	old_state = __sync_lock_test_and_set(&s->state, *in);
	/* The first run takes ownership: the swap succeeds once. */
	took = __sync_bool_compare_and_swap(&owner, 7, 100 + *in);
	__sync_fetch_and_and(&mask, ~(__u32)1);
	return (int)((before + 1) + old_state * 100 + took * 1000 +
		     __sync_add_and_fetch(&s->packets, 0) * 10000 + runs * 100000 +
		     ((mask >> 8) & 1) * 1000000 + (mask & 1));
}

char _license[] SEC("license") = "GPL";
