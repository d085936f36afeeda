/* Unsigned wraparound at every width and signed values that wrap only through conversions. */
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
	u16 a16;
	u32 a32;
	u64 a64;
	u8 r8;
	u16 r16;
	u32 r32;
	u64 r64;
	u64 negs;
};

SEC("syscall")
int wraparound(struct args *ctx)
{
	u8 a8 = ctx->a8;
	u16 a16 = ctx->a16;
	u32 a32 = ctx->a32;
	u64 a64 = ctx->a64;
	int i;

	for (i = 0; i < 3; i++) {
		a8 += 100;
		a16 *= 300;
		a32 = a32 * 1664525u + 1013904223u;
		a64 = a64 * 6364136223846793005ull + 1442695040888963407ull;
	}
	ctx->r8 = a8;
	ctx->r16 = a16;
	ctx->r32 = a32;
	ctx->r64 = a64;
	ctx->negs = (u64)(-(u64)ctx->a8) ^ ((u64)(u32)-a32 << 8);
	return (u8)(a8 - 200) + (u16)(a16 + 1);
}

char _license[] SEC("license") = "GPL";
