/* tc: two bpf_skb_load_bytes calls in one function (MAC addresses), compared with __builtin_memcmp-free loops. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_load_bytes_twice(struct __sk_buff *skb)
{
	__u8 dst[6], src[6];
	int i, same = 0;

	if (bpf_skb_load_bytes(skb, 0, dst, 6) || bpf_skb_load_bytes(skb, 6, src, 6))
		return TC_ACT_SHOT;
#pragma unroll
	for (i = 0; i < 6; i++)
		same += dst[i] == src[i];
	return same;
}

char _license[] SEC("license") = "GPL";
