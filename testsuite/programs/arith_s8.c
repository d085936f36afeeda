/* Signed 8-bit values: sign extension at each width, truncating stores. */
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
	s8 a, b;
	s8 sum, prod;
	s16 ext16;
	s32 ext32;
	s64 ext64;
	u64 zext64;
};

SEC("syscall")
int arith_s8(struct args *ctx)
{
	s8 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->prod = a * b;
	ctx->ext16 = a;
	ctx->ext32 = b;
	ctx->ext64 = (s8)(a + b);
	ctx->zext64 = (u8)a;
	return a * b;
}

char _license[] SEC("license") = "GPL";
