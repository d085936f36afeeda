/* tc classifier: load_byte/load_half on the whole frame (tc programs see the Ethernet header). */
// gcc-12 cannot: it emits LD_ABS/LD_IND (__builtin_bpf_load_*) without first copying the context into r6, where the kernel expects the skb (verifier: "R6 !read_ok")
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_ldabs(struct __sk_buff *skb)
{
	if (load_half(skb, 12) != 0x0800)
		return TC_ACT_SHOT;
	/* protocol << 8 | TTL */
	return load_byte(skb, 14 + 9) << 8 | load_byte(skb, 14 + 8);
}

char _license[] SEC("license") = "GPL";
