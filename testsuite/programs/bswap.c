/* __builtin_bswap16/32/64 on variables and constants, and byte reversal composed twice. */
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
	u16 s16;
	u16 pad16;
	u32 s32;
	u64 s64;
	u64 twice;
	u32 konst;
	u32 pad;
};

SEC("syscall")
int bswap(struct args *ctx)
{
	u64 x = ctx->x;

	ctx->s16 = __builtin_bswap16((u16)x);
	ctx->s32 = __builtin_bswap32((u32)x);
	ctx->s64 = __builtin_bswap64(x);
	ctx->twice = __builtin_bswap64(__builtin_bswap64(x) + 1);
	ctx->konst = __builtin_bswap32(0x11223344) + __builtin_bswap16(0xaabb);
	return __builtin_bswap16((u16)(x >> 16)) + (__builtin_bswap32((u32)x) >> 24);
}

char _license[] SEC("license") = "GPL";
