/* XDP: skips up to two VLAN tags (802.1Q/802.1ad) in a bounded loop and returns the inner EtherType and the tag count. */
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

struct vlan_hdr {
	u16 tci;
	u16 proto;
};

SEC("xdp")
int xdp_vlan(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct vlan_hdr *vh;
	u16 proto;
	u32 tags = 0, vid = 0;
	int i;

	if ((void *)(eth + 1) > data_end)
		return 0;
	proto = eth->h_proto;
	vh = (struct vlan_hdr *)(eth + 1);
	for (i = 0; i < 2; i++) {
		if (proto != htons(0x8100) && proto != htons(0x88a8))
			break;
		if ((void *)(vh + 1) > data_end)
			return 1;
		vid = htons(vh->tci) & 0xfff;
		proto = vh->proto;
		vh++;
		tags++;
	}
	return tags << 28 | vid << 16 | htons(proto);
}

char _license[] SEC("license") = "GPL";
