/* Integer conversions: truncation, sign and zero extension, chains of casts, bool conversion. */
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
	u64 u8_zext, s8_sext, u16_zext, s16_sext, u32_zext, s32_sext;
	u64 chain1, chain2, as_bool, neg_to_unsigned;
};

SEC("syscall")
int conversions(struct args *ctx)
{
	u64 x = ctx->x;

	ctx->u8_zext = (u8)x;
	ctx->s8_sext = (s64)(s8)x;
	ctx->u16_zext = (u16)x;
	ctx->s16_sext = (s64)(s16)x;
	ctx->u32_zext = (u32)x;
	ctx->s32_sext = (s64)(s32)x;
	ctx->chain1 = (u64)(s32)(u16)(s8)x;
	ctx->chain2 = (u64)(u32)(s16)(u8)(x >> 8);
	ctx->as_bool = (_Bool)(x & 0xff00);
	ctx->neg_to_unsigned = (u32)-(s32)(x & 0xff);
	return (s8)x;
}

char _license[] SEC("license") = "GPL";
