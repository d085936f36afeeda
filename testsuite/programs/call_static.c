/* Static noinline BPF-to-BPF calls with 1 to 5 arguments and results of every width. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define __noinline __attribute__((noinline))

static __noinline u64 f1(u64 a)
{
	return a * 3 + 1;
}

static __noinline u32 f2(u32 a, u32 b)
{
	return a ^ (b << 3);
}

static __noinline s16 f3(s8 a, s16 b, s32 c)
{
	return a + b - c;
}

static __noinline u8 f4(u8 a, u16 b, u32 c, u64 d)
{
	return a + b + c + d;
}

static __noinline s64 f5(s64 a, s64 b, s64 c, s64 d, s64 e)
{
	return a - b + c * d - e;
}

struct args {
	s64 x, y;
	s64 r[5];
};

SEC("syscall")
int call_static(struct args *ctx)
{
	s64 x = ctx->x, y = ctx->y;

	ctx->r[0] = f1(x);
	ctx->r[1] = f2(x, y);
	ctx->r[2] = f3(x, y, x + y);
	ctx->r[3] = f4(x, y, x, y);
	ctx->r[4] = f5(x, y, 3, -4, f1(y));
	return ctx->r[2];
}

char _license[] SEC("license") = "GPL";
