/* Unsigned 8-bit values: wraparound on store, comparisons after promotion. */
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
	u8 a, b;
	u8 sum, diff, prod, quot, rem, not;
	u32 total;
};

SEC("syscall")
int arith_u8(struct args *ctx)
{
	u8 a = ctx->a, b = ctx->b;
	u8 s = a + b;

	ctx->sum = s;
	ctx->diff = a - b;
	ctx->prod = a * b;
	ctx->quot = b ? a / b : 255;
	ctx->rem = b ? a % b : 255;
	ctx->not = ~a;
	ctx->total = a + b;
	return s < a;
}

char _license[] SEC("license") = "GPL";
