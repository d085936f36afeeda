/* XDP: parses IPv4 with a variable header length (IHL) and returns the UDP destination port; bounds checks on a variable offset. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct xdp_md {
	u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

enum xdp_action { XDP_ABORTED = 0, XDP_DROP, XDP_PASS, XDP_TX };

struct ethhdr {
	u8 h_dest[6];
	u8 h_source[6];
	u16 h_proto;
} __attribute__((packed));

struct iphdr {
	u8 ihl_version; /* little-endian bitfield order: ihl is the low nibble */
	u8 tos;
	u16 tot_len, id, frag_off;
	u8 ttl, protocol;
	u16 check;
	u32 saddr, daddr;
};

struct udphdr {
	u16 source, dest, len, check;
};

#define htons(x) ((u16)__builtin_bswap16(x))

SEC("xdp")
int xdp_udp_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp;
	u32 ihl;

	if ((void *)(ip + 1) > data_end || eth->h_proto != htons(0x0800))
		return 0;
	ihl = (ip->ihl_version & 0xf) * 4;
	if (ihl < sizeof(*ip) || ip->protocol != 17)
		return 1;
	udp = (struct udphdr *)((u8 *)ip + ihl);
	if ((void *)(udp + 1) > data_end)
		return 2;
	return htons(udp->dest);
}

char _license[] SEC("license") = "GPL";
