/* Signed division and remainder (BPF_SDIV/BPF_SMOD, -mcpu=v4) at 32 and 64 bits, all sign combinations. */
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
	s64 q64, r64;
	s32 q32, r32;
	s64 qc, rc;
};

SEC("syscall")
int sdiv_v4(struct args *ctx)
{
	s64 a = ctx->a, b = ctx->b;

	if (b == 0 || (b == -1 && a == (s64)0x8000000000000000ull))
		return -1;
	ctx->q64 = a / b;
	ctx->r64 = a % b;
	if ((s32)b != 0 && !((s32)b == -1 && (s32)a == (s32)0x80000000)) {
		ctx->q32 = (s32)a / (s32)b;
		ctx->r32 = (s32)a % (s32)b;
	}
	ctx->qc = a / -7;
	ctx->rc = a % 10;
	return ctx->q64 < 0;
}

char _license[] SEC("license") = "GPL";
