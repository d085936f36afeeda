/* Socket filter: bpf_skb_load_bytes called twice in one function (source and destination address). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_load_bytes_twice(struct __sk_buff *skb)
{
	__u8 saddr[4], daddr[4];

	if (bpf_skb_load_bytes(skb, 12, saddr, 4) < 0)
		return -1;
	if (bpf_skb_load_bytes(skb, 16, daddr, 4) < 0)
		return -2;
	return saddr[3] * 256 + daddr[3];
}

char _license[] SEC("license") = "GPL";
