/* Socket filter: the IP protocol byte through load_byte (socket programs see the packet from the IP header on). */
// gcc-12 cannot: it emits LD_ABS/LD_IND (__builtin_bpf_load_*) without first copying the context into r6, where the kernel expects the skb (verifier: "R6 !read_ok")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_load_byte(struct __sk_buff *skb)
{
	return load_byte(skb, 9 /* offsetof(struct iphdr, protocol) */);
}

char _license[] SEC("license") = "GPL";
