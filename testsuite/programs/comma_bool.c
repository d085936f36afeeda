/* The comma operator, _Bool conversions (any non-zero value is 1), !!x and logical not at several widths. */
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
	u32 y;
	u32 out;
};

SEC("syscall")
int comma_bool(struct args *ctx)
{
	_Bool b1 = ctx->x;           /* non-zero anywhere: 1 */
	_Bool b2 = (u32)ctx->x;      /* only the low half */
	_Bool b3 = ctx->y & 0x100;
	int a = 0, c;
	u32 r;

	c = (a += 5, a *= 2, a + 1);
	r = b1 + b2 * 2 + b3 * 4 + !!ctx->y * 8 + !ctx->x * 16 + !(u8)ctx->y * 32;
	ctx->out = (a = 7, a + c);
	return r;
}

char _license[] SEC("license") = "GPL";
