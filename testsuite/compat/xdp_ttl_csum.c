/* XDP: decrements the IPv4 TTL and patches the header checksum incrementally (RFC 1624). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int xdp_ttl_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u16 old, new;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_DROP;
	old = bpf_htons(ip->ttl << 8 | ip->protocol);
	ip->ttl--;
	new = bpf_htons(ip->ttl << 8 | ip->protocol);
	ip->check = csum_fold((__u16)~ip->check + (__u16)~old + new);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
