/* Unsigned division and remainder by constants (often strength-reduced) at 32 and 64 bits. */
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
	u64 d3, d10, d1000, m7, m16;
	u32 e3, e10, e7, f7;
};

SEC("syscall")
int udiv_const(struct args *ctx)
{
	u64 x = ctx->x;
	u32 y = (u32)x;

	ctx->d3 = x / 3;
	ctx->d10 = x / 10;
	ctx->d1000 = x / 1000;
	ctx->m7 = x % 7;
	ctx->m16 = x % 16;
	ctx->e3 = y / 3;
	ctx->e10 = y / 10;
	ctx->e7 = y % 7;
	ctx->f7 = y / 0x80000000u;
	return (u32)(x / 0x100000000ull);
}

char _license[] SEC("license") = "GPL";
