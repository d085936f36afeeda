/* Signed 16-bit values: sign extension, truncation, mixed with unsigned. */
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
	s16 a, b;
	s16 sum, prod;
	s32 wide_prod;
	s64 ext;
	u16 as_unsigned;
	s16 sar;
};

SEC("syscall")
int arith_s16(struct args *ctx)
{
	s16 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->prod = a * b;
	ctx->wide_prod = a * b;
	ctx->ext = a;
	ctx->as_unsigned = (u16)a;
	ctx->sar = a >> 2;
	return (a < b) * 100 + (a == b) * 10 + (a > b);
}

char _license[] SEC("license") = "GPL";
