/* A 64x64 -> 128-bit multiplication built from 32-bit halves, checked against the truncated 64-bit product. */
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
	u64 a, b;
	u64 lo, hi;
};

static __attribute__((noinline)) u64 mulhi(u64 a, u64 b, u64 *lo)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	*lo = (mid << 32) | (u32)ll;
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

SEC("syscall")
int mul_wide(struct args *ctx)
{
	u64 lo;

	ctx->hi = mulhi(ctx->a, ctx->b, &lo);
	ctx->lo = lo;
	return lo == ctx->a * ctx->b;
}

char _license[] SEC("license") = "GPL";
