/* && and || short circuit: side effects on the right-hand side only happen when evaluated. */
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
	u32 calls;
	u32 pad;
};

static __attribute__((noinline)) int bump(struct args *ctx, int v)
{
	ctx->calls = ctx->calls * 10 + v;
	return v & 1;
}

SEC("syscall")
int short_circuit(struct args *ctx)
{
	int r = 0;
	u32 n = 0;

	if (ctx->a && bump(ctx, 1))
		r |= 1;
	if (ctx->b || bump(ctx, 3))
		r |= 2;
	if ((ctx->a > 5 && bump(ctx, 5)) || bump(ctx, 7))
		r |= 4;
	if (!ctx->a || (ctx->b && bump(ctx, 2)))
		r |= 8;
	r |= (ctx->a && ctx->b) << 4;
	r |= (ctx->a || ctx->b) << 5;
	n = (ctx->a != 0) + (ctx->b == 0 && ctx->a > 3);
	return r | n << 8;
}

char _license[] SEC("license") = "GPL";
