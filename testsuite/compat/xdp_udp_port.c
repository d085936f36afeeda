/* XDP: Ethernet/IPv4/UDP parsing with <linux/ip.h> and <linux/udp.h>; drops DNS (port 53). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static __always_inline int parse_udp_dport(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return -1;
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return -1;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;
	return bpf_ntohs(udp->dest);
}

SEC("xdp")
int xdp_udp_port(struct xdp_md *ctx)
{
	int port = parse_udp_dport((void *)(long)ctx->data, (void *)(long)ctx->data_end);

	if (unlikely(port == 53))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
