/* Every compound assignment operator at several widths, including the implicit narrowing back to the left operand's type. */
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
	u8 a8;
	s16 b16;
	u32 c32;
	u64 d64;
	s64 e64;
};

SEC("syscall")
int compound_assign(struct args *ctx)
{
	u8 a = ctx->a8;
	s16 b = ctx->b16;
	u32 c = ctx->c32;
	u64 d = ctx->d64;
	s64 e = ctx->e64;

	a += 200; a -= 7; a *= 3; a /= 2; a %= 100; a <<= 2; a >>= 1; a &= 0xfe; a |= 0x81; a ^= 0x3c;
	b += 1000; b -= 3000; b *= 3; b += b; b >>= 2; b &= 0x7ff0; b |= 5; b ^= -1;
	c += 0xfffffff0; c *= 7; c /= 3; c %= 1000000; c <<= 12; c >>= 3; c ^= 0xa5a5a5a5;
	d -= 1; d *= d; d /= 5; d %= 0x100000000ull; d <<= 20; d >>= 4; d |= 1;
	e -= 1000; e *= -3; e >>= 2; e &= ~0xfll; e ^= 0x55;
	ctx->a8 = a;
	ctx->b16 = b;
	ctx->c32 = c;
	ctx->d64 = d;
	ctx->e64 = e;
	return a + b;
}

char _license[] SEC("license") = "GPL";
