/* Socket filter: load_half and load_word (LD_ABS) give host-order values of network-order fields. */
// gcc-12 cannot: it emits LD_ABS/LD_IND (__builtin_bpf_load_*) without first copying the context into r6, where the kernel expects the skb (verifier: "R6 !read_ok")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_load_half_word(struct __sk_buff *skb)
{
	__u32 tot_len = load_half(skb, 2);
	__u32 daddr = load_word(skb, 16);

	/* Last byte of the destination address, and the IP total length. */
	return (daddr & 0xff) << 16 | tot_len;
}

char _license[] SEC("license") = "GPL";
