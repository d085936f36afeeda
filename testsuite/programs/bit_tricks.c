/* Bit manipulation: rotates, masks, population count and leading zeros computed with loops. */
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
	u64 rotl, rotr;
	u32 popcount, clz, ctz, parity;
	u64 lowest, cleared;
};

static __attribute__((always_inline)) inline u64 rotl64(u64 v, unsigned int n)
{
	return (v << (n & 63)) | (v >> ((64 - n) & 63));
}

SEC("syscall")
int bit_tricks(struct args *ctx)
{
	u64 x = ctx->x;
	u32 pop = 0, clz = 64, ctz = 64;
	int i;

	for (i = 0; i < 64; i++) {
		if (x & (1ull << i)) {
			pop++;
			if (ctz == 64)
				ctz = i;
			clz = 63 - i;
		}
	}
	ctx->rotl = rotl64(x, 13);
	ctx->rotr = rotl64(x, 64 - 7);
	ctx->popcount = pop;
	ctx->clz = clz;
	ctx->ctz = ctz;
	ctx->parity = pop & 1;
	ctx->lowest = x & -x;
	ctx->cleared = x & (x - 1);
	return pop;
}

char _license[] SEC("license") = "GPL";
