/* Comparisons of signed and unsigned values at every width, including mixed-signedness conversions. */
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
	u64 a, b;
};

/* Packs the result of each comparison into one bit, so a single return value covers them all. */
SEC("syscall")
int compare_signedness(struct args *ctx)
{
	u64 a = ctx->a, b = ctx->b;
	u32 r = 0;

	r |= (a < b) << 0;
	r |= ((s64)a < (s64)b) << 1;
	r |= ((u32)a < (u32)b) << 2;
	r |= ((s32)a < (s32)b) << 3;
	r |= ((u16)a < (u16)b) << 4;
	r |= ((s16)a < (s16)b) << 5;
	r |= ((u8)a < (u8)b) << 6;
	r |= ((s8)a < (s8)b) << 7;
	r |= (a >= b) << 8;
	r |= ((s64)a >= (s64)b) << 9;
	r |= ((u32)a > (u32)b) << 10;
	r |= ((s32)a <= (s32)b) << 11;
	r |= (a == b) << 12;
	r |= ((u32)a == (u32)b) << 13;
	r |= ((s32)a < 0) << 14;
	r |= ((s64)a > -5) << 15;
	/* Mixed: the int converts to unsigned, so -1 compares as UINT_MAX. */
	r |= ((s32)a < (u32)b) << 16;
	r |= ((s64)(s32)a < (s64)(u32)b) << 17;
	r |= ((s8)a == -1) << 18;
	r |= ((u8)a == 255) << 19;
	return r;
}

char _license[] SEC("license") = "GPL";
