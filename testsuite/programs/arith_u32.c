/* Unsigned 32-bit arithmetic with wraparound, division and remainder. */
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
	u32 a, b;
	u32 sum, diff, prod, quot, rem, mix;
};

SEC("syscall")
int arith_u32(struct args *ctx)
{
	u32 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->diff = a - b;
	ctx->prod = a * b;
	ctx->quot = b ? a / b : 0xdead;
	ctx->rem = b ? a % b : 0xbeef;
	ctx->mix = (a ^ b) + (a & b) * 3 - (a | b);
	return ctx->sum > a;
}

char _license[] SEC("license") = "GPL";
