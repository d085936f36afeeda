/* Byte swaps at -mcpu=v4, where BPF has unconditional bswap instructions, including swaps of narrowed values. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u64 x;
	u64 a, b, c;
};

SEC("syscall")
int bswap_v4(struct args *ctx)
{
	u64 x = ctx->x;

	ctx->a = __builtin_bswap64(x) ^ __builtin_bswap32((u32)(x >> 32));
	ctx->b = (u64)__builtin_bswap16((u16)x) << 48 | __builtin_bswap16((u16)(x >> 48));
	ctx->c = __builtin_bswap32((u32)x + 1) * 3ull;
	return (s16)__builtin_bswap16((u16)x);
}

char _license[] SEC("license") = "GPL";
