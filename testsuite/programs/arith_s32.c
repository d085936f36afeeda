/* Signed 32-bit arithmetic: sign extension into 64-bit results, negative values, arithmetic shift. */
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
	s32 a, b;
	s64 sum, diff, prod, sar, widened;
	s32 narrowed, cmp;
};

SEC("syscall")
int arith_s32(struct args *ctx)
{
	s32 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->diff = a - b;
	ctx->prod = (s64)a * b;
	ctx->sar = a >> 4;
	ctx->widened = a;
	ctx->narrowed = (s32)((s64)a * 65536 * 65536 + b);
	ctx->cmp = (a < b) - (a > b);
	return a * 2 + b;
}

char _license[] SEC("license") = "GPL";
