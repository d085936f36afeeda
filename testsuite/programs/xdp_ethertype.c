/* XDP: classifies frames by EtherType with a bounds-checked header read (direct packet access). */
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
int xdp_ethertype(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	switch (eth->h_proto) {
	case htons(0x0800):
		return XDP_PASS;
	case htons(0x0806):
		return XDP_DROP;
	case htons(0x86dd):
		return XDP_TX;
	default:
		return 100 + (data_end - data);
	}
}

char _license[] SEC("license") = "GPL";
