/* Many values live across BPF-to-BPF calls, forcing callee-saved registers and stack spills. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

static __attribute__((noinline)) u64 scramble(u64 x)
{
	return (x ^ (x >> 7)) * 0x2545f4914f6cdd1dull;
}

struct args {
	u64 in[4];
	u64 out[4];
};

SEC("syscall")
int spills_calls(struct args *ctx)
{
	u64 a = ctx->in[0], b = ctx->in[1], c = ctx->in[2], d = ctx->in[3];
	u64 e = a + b, f = c + d, g = a ^ d, h = b - c, i = a * 3, j = d * 5;
	u64 k = scramble(a);
	u64 l = scramble(b + k);
	u64 m = scramble(c ^ l);
	u64 n = scramble(d - m);

	ctx->out[0] = a + b + c + d + e + f;
	ctx->out[1] = g ^ h ^ i ^ j;
	ctx->out[2] = k + l + m + n;
	ctx->out[3] = (e * f) ^ (g * h) ^ (i + j + k) ^ (l - m + n);
	return (int)(ctx->out[3] >> 33);
}

char _license[] SEC("license") = "GPL";
