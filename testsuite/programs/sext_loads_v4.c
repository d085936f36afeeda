/* Sign-extending loads and moves (-mcpu=v4 has LDSX and MOVSX): signed narrow context and stack values widened to 64 bits. */
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
	s8 a;
	u8 pad;
	s16 b;
	s32 c;
	s64 wa, wb, wc, sum;
	s64 casts[3];
};

SEC("syscall")
int sext_loads_v4(struct args *ctx)
{
	s64 wa = ctx->a, wb = ctx->b, wc = ctx->c;
	volatile s8 sa = ctx->a;
	u64 x = (u64)wc * 3;

	ctx->wa = wa;
	ctx->wb = wb;
	ctx->wc = wc;
	ctx->sum = wa + wb + wc + sa;
	ctx->casts[0] = (s8)x;
	ctx->casts[1] = (s16)x;
	ctx->casts[2] = (s32)x;
	return (wa < 0) + (wb < 0) * 2 + (wc < 0) * 4 + ((s8)x < 0) * 8;
}

char _license[] SEC("license") = "GPL";
