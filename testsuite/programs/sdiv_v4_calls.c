/* Signed division at -mcpu=v4 inside noinline functions (32- and 64-bit), composed into an integer square root and a signed average. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

static __attribute__((noinline)) s64 sdiv64(s64 a, s64 b)
{
	return b ? a / b : 0;
}

static __attribute__((noinline)) s32 smod32(s32 a, s32 b)
{
	return b ? a % b : a;
}

static __attribute__((noinline)) s64 isqrt(s64 n)
{
	s64 x = n, y;
	int i;

	if (n <= 0)
		return 0;
	for (i = 0; i < 64; i++) {
		y = (x + sdiv64(n, x)) / 2;
		if (y >= x)
			break;
		x = y;
	}
	return x;
}

struct args {
	s64 vals[4];
	s64 avg, root;
	s32 mods[4];
};

SEC("syscall")
int sdiv_v4_calls(struct args *ctx)
{
	s64 sum = 0, vals[4];
	s32 mods[4];
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(vals, ctx->vals, sizeof(vals));
	for (i = 0; i < 4; i++) {
		sum += vals[i];
		mods[i] = smod32((s32)vals[i], -7);
	}
	__builtin_memcpy(ctx->mods, mods, sizeof(mods));
	ctx->avg = sdiv64(sum, 4);
	ctx->root = isqrt(sum < 0 ? -sum : sum);
	return (int)sdiv64(ctx->avg, -3);
}

char _license[] SEC("license") = "GPL";
