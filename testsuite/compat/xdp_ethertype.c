/* XDP: Ethernet parsing with bounds checks; IPv4 passes, ARP is dropped, anything else aborts. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_ethertype(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	switch (bpf_ntohs(eth->h_proto)) {
	case ETH_P_IP:
		return XDP_PASS;
	case ETH_P_ARP:
		return XDP_DROP;
	default:
		return XDP_ABORTED;
	}
}

char _license[] SEC("license") = "GPL";
