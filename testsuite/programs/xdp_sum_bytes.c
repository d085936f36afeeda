/* XDP: a bounded loop over the frame's bytes, each access checked against data_end; also rewrites bytes 14.. with a running XOR. */
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
int xdp_sum_bytes(struct xdp_md *ctx)
{
	u8 *data = (u8 *)(long)ctx->data;
	u8 *data_end = (u8 *)(long)ctx->data_end;
	u32 sum = 0;
	u8 x = 0;
	int i;

	for (i = 0; i < 32; i++) {
		if (data + i + 1 > data_end)
			break;
		sum += data[i];
		if (i >= 14) {
			x ^= data[i];
			data[i] = x;
		}
	}
	return sum;
}

char _license[] SEC("license") = "GPL";
