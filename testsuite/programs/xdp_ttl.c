/* XDP: decrements the IPv4 TTL with an incremental checksum update (RFC 1624), drops at TTL <= 1. */
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

static __attribute__((always_inline)) inline u16 csum_fold(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

SEC("xdp")
int xdp_ttl(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	u16 old, new;
	u32 sum;

	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != htons(0x0800))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_DROP;
	/* The TTL is the high byte of its 16-bit word (ttl, protocol) in network order. */
	old = htons(ip->ttl << 8 | ip->protocol);
	ip->ttl--;
	new = htons(ip->ttl << 8 | ip->protocol);
	sum = (u16)~ip->check + (u16)~old + new;
	ip->check = csum_fold(sum);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
