/* Socket filter: __sk_buff fields (len, protocol) with bpf_ntohs from bpf_endian.h. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("socket")
int sock_skb_fields(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return -1;
	return skb->len;
}

char _license[] SEC("license") = "GPL";
