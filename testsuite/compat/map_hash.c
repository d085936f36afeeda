/* syscall program: a hash map updated, looked up and deleted with the map helpers. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u32 key;
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} table SEC(".maps");

SEC("syscall")
int map_hash(struct args *a)
{
	__u32 key = a->key;
	__u64 value = a->value, *p;
	int found_after_delete;

	if (bpf_map_update_elem(&table, &key, &value, BPF_NOEXIST))
		return -1;
	/* A second insert of the same key with BPF_NOEXIST fails. */
	if (bpf_map_update_elem(&table, &key, &value, BPF_NOEXIST) == 0)
		return -2;
	p = bpf_map_lookup_elem(&table, &key);
	if (!p)
		return -3;
	*p += 1;
	p = bpf_map_lookup_elem(&table, &key);
	if (!p)
		return -4;
	value = *p;
	bpf_map_delete_elem(&table, &key);
	found_after_delete = bpf_map_lookup_elem(&table, &key) != NULL;
	return found_after_delete ? -5 : (int)value;
}

char _license[] SEC("license") = "GPL";
