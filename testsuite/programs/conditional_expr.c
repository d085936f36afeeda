/* The ?: operator: nested, as an lvalue selector via pointers, with mixed types, and GNU x ?: y. */
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
	u64 c;
	s64 max, min, clamp, elvis, picked;
};

SEC("syscall")
int conditional_expr(struct args *ctx)
{
	s64 a = ctx->a, b = ctx->b;
	u64 c = ctx->c;
	s64 x = 0, y = 0;

	ctx->max = a > b ? a : b;
	ctx->min = a < b ? a : b;
	ctx->clamp = a < -100 ? -100 : a > 100 ? 100 : a;
	ctx->elvis = (s64)(c ?: 77);
	*(a & 1 ? &x : &y) = 5;
	ctx->picked = x * 10 + y;
	/* Mixed signedness: -1 converted to u64 is the larger operand here. */
	return (c ? (u64)a : 1ull) > 5 ? 1 : 2;
}

char _license[] SEC("license") = "GPL";
