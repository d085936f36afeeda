/* Network byte order conversions in the style of libbpf's bpf_endian.h: bpf_htons/ntohs/htonl/ntohl/cpu_to_be64, constant and variable. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define ___bpf_mvb(x, b, n, m) ((u##b)(x) << (b-(n+1)*8) >> (b-8) << (m*8))
#define ___bpf_swab16(x) ((u16)(___bpf_mvb(x, 16, 0, 1) | ___bpf_mvb(x, 16, 1, 0)))
#define ___bpf_swab32(x) ((u32)(___bpf_mvb(x, 32, 0, 3) | ___bpf_mvb(x, 32, 1, 2) | \
			    ___bpf_mvb(x, 32, 2, 1) | ___bpf_mvb(x, 32, 3, 0)))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define __bpf_ntohs(x) __builtin_bswap16(x)
#define __bpf_htons(x) __builtin_bswap16(x)
#define __bpf_constant_ntohs(x) ___bpf_swab16(x)
#define __bpf_ntohl(x) __builtin_bswap32(x)
#define __bpf_htonl(x) __builtin_bswap32(x)
#define __bpf_constant_htonl(x) ___bpf_swab32(x)
#define __bpf_cpu_to_be64(x) __builtin_bswap64(x)
#else
#define __bpf_ntohs(x) (x)
#define __bpf_htons(x) (x)
#define __bpf_constant_ntohs(x) (x)
#define __bpf_ntohl(x) (x)
#define __bpf_htonl(x) (x)
#define __bpf_constant_htonl(x) (x)
#define __bpf_cpu_to_be64(x) (x)
#endif

#define bpf_htons(x) (__builtin_constant_p(x) ? __bpf_constant_ntohs(x) : __bpf_htons(x))
#define bpf_ntohs(x) (__builtin_constant_p(x) ? __bpf_constant_ntohs(x) : __bpf_ntohs(x))
#define bpf_htonl(x) (__builtin_constant_p(x) ? __bpf_constant_htonl(x) : __bpf_htonl(x))
#define bpf_ntohl(x) (__builtin_constant_p(x) ? __bpf_constant_htonl(x) : __bpf_ntohl(x))

struct args {
	u8 wire[14];
	u16 ethertype;
	u32 addr;
	u32 port_host;
	u64 be64;
};

SEC("syscall")
int byte_order(struct args *ctx)
{
	u16 proto_be = ctx->wire[12] | ctx->wire[13] << 8; /* as loaded from memory */
	u32 addr_be = ctx->wire[0] | ctx->wire[1] << 8 | ctx->wire[2] << 16 | (u32)ctx->wire[3] << 24;

	ctx->ethertype = bpf_ntohs(proto_be);
	ctx->addr = bpf_ntohl(addr_be);
	ctx->port_host = bpf_ntohs(bpf_htons(8080)) + bpf_ntohl(bpf_htonl(ctx->wire[4]));
	ctx->be64 = __bpf_cpu_to_be64(0x0102030405060708ull);
	if (proto_be == bpf_htons(0x0800))
		return 4;
	if (proto_be == bpf_htons(0x86dd))
		return 6;
	return bpf_htonl(0x7f000001) == 0x0100007f;
}

char _license[] SEC("license") = "GPL";
