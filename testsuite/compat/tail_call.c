/*
 * Socket filters: a program array initialised in the object (libbpf fills
 * it at load time) and tail calls through it, with bpf_tail_call_static and
 * bpf_tail_call.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int tail_target(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct __sk_buff *));
} jump_table SEC(".maps") = {
	.values = { [1] = (void *)&tail_target },
};

SEC("socket")
int tail_target(struct __sk_buff *skb)
{
	return 77;
}

SEC("socket")
int tail_call_static(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jump_table, 1);
	return 1;
}

SEC("socket")
int tail_call_empty_slot(struct __sk_buff *skb)
{
	/* Slot 0 is empty: the call falls through. */
	bpf_tail_call(skb, &jump_table, 0);
	return 5;
}

char _license[] SEC("license") = "GPL";
