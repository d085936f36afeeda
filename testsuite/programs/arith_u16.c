/* Unsigned 16-bit values: promotion to int, truncation on store, division. */
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
	u16 a, b;
	u16 sum, diff, prod, quot, rem, shl;
	u32 promoted;
};

SEC("syscall")
int arith_u16(struct args *ctx)
{
	u16 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->diff = a - b;
	ctx->prod = (u32)a * b;
	ctx->quot = b ? a / b : 0;
	ctx->rem = b ? a % b : 0;
	ctx->shl = a << 3;
	ctx->promoted = (u32)a * b;
	/* a - b is computed in int: negative when b > a. */
	return a - b < 0;
}

char _license[] SEC("license") = "GPL";
