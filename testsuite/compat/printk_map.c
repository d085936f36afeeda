/*
 * syscall program: two bpf_printk calls in a program with a map. Each call
 * has its own static format array of the same name, and with a map present
 * libbpf must load the object's BTF, which describes all of them.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} seen SEC(".maps");

SEC("syscall")
int printk_map(__u32 *v)
{
	__u32 zero = 0;
	__u32 *p = bpf_map_lookup_elem(&seen, &zero);

	if (!p)
		return -1;
	*p = *v;
	bpf_printk("compat: first %u", *p);
	bpf_printk("compat: second, longer %u %u", *p, *p + 1);
	return *p + 1;
}

char _license[] SEC("license") = "GPL";
