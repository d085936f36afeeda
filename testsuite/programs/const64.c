/* 64-bit constants: values needing ld_imm64, sign-extended 32-bit immediates, and 32-bit boundaries. */
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
	u64 r[6];
};

SEC("syscall")
int const64(struct args *ctx)
{
	u64 x = ctx->x;

	ctx->r[0] = x + 0x123456789abcdef0ull;
	ctx->r[1] = x ^ 0xffffffff00000000ull;
	ctx->r[2] = x & 0x00000000ffffffffull;
	ctx->r[3] = x | 0x8000000000000000ull;
	ctx->r[4] = x * -2ll;
	ctx->r[5] = (x == 0xdeadbeefcafebabeull) ? 0x7fffffffffffffffull : 0x80000000ull;
	return x > 0x100000000ull;
}

char _license[] SEC("license") = "GPL";
