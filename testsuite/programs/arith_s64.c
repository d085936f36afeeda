/* Signed 64-bit arithmetic: add, sub, mul, negation, arithmetic shift, comparisons. */
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
	s64 a, b;
	s64 sum, diff, prod, neg, sar, lt, le, gt;
};

SEC("syscall")
int arith_s64(struct args *ctx)
{
	s64 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->diff = a - b;
	ctx->prod = a * b;
	ctx->neg = -a;
	ctx->sar = a >> 3;
	ctx->lt = a < b;
	ctx->le = a <= b;
	ctx->gt = a > b;
	return a < 0 ? -1 : (a == 0 ? 0 : 1);
}

char _license[] SEC("license") = "GPL";
