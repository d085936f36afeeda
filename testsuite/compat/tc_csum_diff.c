/* tc: the IPv4 header checksum recomputed with bpf_csum_diff and folded; 0 means the header is valid. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_csum_diff(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + ETH_HLEN;
	__s64 sum;
	__u32 s;

	if ((void *)(ip + 1) > data_end)
		return -1;
	sum = bpf_csum_diff(0, 0, (__be32 *)ip, sizeof(*ip), 0);
	if (sum < 0)
		return -2;
	s = sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

char _license[] SEC("license") = "GPL";
