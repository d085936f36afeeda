/* Constant expressions folded at compile time: integer promotion, unsigned wraparound, shifts, casts and sizeof in expressions. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define K1 ((u32)-1 / 3u)
#define K2 ((u8)(250 + 10) * 1000)
#define K3 (1ull << 63 >> 62)
#define K4 ((s64)(s32)0x80000000 / 2 * 2)
#define K5 (-7 % 3 + (-7 / 3) * 10)
#define K6 ((u16)~0 + (s8)0xff)
#define K7 (sizeof(u64[4]) * 3 + sizeof(struct args))
#define K8 (0x7fffffff + 1u)

struct args {
	u64 r[8];
};

SEC("syscall")
int const_fold(struct args *ctx)
{
	ctx->r[0] = K1;
	ctx->r[1] = K2;
	ctx->r[2] = K3;
	ctx->r[3] = K4;
	ctx->r[4] = K5;
	ctx->r[5] = K6;
	ctx->r[6] = K7;
	ctx->r[7] = K8;
	return K5 + K6;
}

char _license[] SEC("license") = "GPL";
