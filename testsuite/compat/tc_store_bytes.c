/* tc: rewrites the IPv4 TOS byte with bpf_skb_store_bytes and fixes the checksum with bpf_l3_csum_replace. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define IP_OFF ETH_HLEN
#define TOS_OFF (IP_OFF + offsetof(struct iphdr, tos))
#define CSUM_OFF (IP_OFF + offsetof(struct iphdr, check))

SEC("tc")
int tc_store_bytes(struct __sk_buff *skb)
{
	__u8 old_tos, new_tos = 0x10;

	if (bpf_skb_load_bytes(skb, TOS_OFF, &old_tos, 1) < 0)
		return TC_ACT_SHOT;
	if (bpf_l3_csum_replace(skb, CSUM_OFF, bpf_htons(old_tos), bpf_htons(new_tos), 2) < 0)
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, TOS_OFF, &new_tos, 1, 0) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
