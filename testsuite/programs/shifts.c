/* Shifts by variable and constant amounts at 8, 16, 32 and 64 bits, logical and arithmetic. */
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
	u32 n;
	u32 pad;
	u64 shl64, shr64;
	s64 sar64;
	u32 shl32, shr32;
	s32 sar32;
	u16 shr16;
	s8 sar8;
	u8 shl8;
};

SEC("syscall")
int shifts(struct args *ctx)
{
	u64 x = ctx->x;
	u32 n = ctx->n & 63;
	u32 m = ctx->n & 31;

	ctx->shl64 = x << n;
	ctx->shr64 = x >> n;
	ctx->sar64 = (s64)x >> n;
	ctx->shl32 = (u32)x << m;
	ctx->shr32 = (u32)x >> m;
	ctx->sar32 = (s32)x >> m;
	ctx->shr16 = (u16)x >> (m & 15);
	ctx->sar8 = (s8)x >> (m & 7);
	ctx->shl8 = (u8)x << 3;
	return (x << 60 >> 60) + (x >> 61);
}

char _license[] SEC("license") = "GPL";
