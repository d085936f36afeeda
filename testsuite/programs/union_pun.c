/* Unions: reading a value through another member (type punning) at different widths. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

union word {
	u64 q;
	u32 d[2];
	u16 w[4];
	u8 b[8];
	s8 sb[8];
};

struct args {
	u64 in;
	u32 lo, hi;
	u16 w1, w3;
	u8 b0, b7;
	s32 sb7;
	u64 rebuilt;
};

SEC("syscall")
int union_pun(struct args *ctx)
{
	union word u;
	union word v = { .b = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	int i;

	u.q = ctx->in;
	ctx->lo = u.d[0];
	ctx->hi = u.d[1];
	ctx->w1 = u.w[1];
	ctx->w3 = u.w[3];
	ctx->b0 = u.b[0];
	ctx->b7 = u.b[7];
	ctx->sb7 = u.sb[7];
	for (i = 0; i < 8; i++)
		v.b[i] ^= u.b[7 - i];
	ctx->rebuilt = v.q;
	return sizeof(union word);
}

char _license[] SEC("license") = "GPL";
