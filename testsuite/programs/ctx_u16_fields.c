/* Reading and writing 8-, 16- and 32-bit context fields at odd offsets of a packed-looking (but naturally aligned) layout. */
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
	u8 a;
	u8 b;
	u16 c;
	u16 d;
	u8 e;
	u8 f;
	u32 g;
	u16 h[6];
	u32 sum;
};

SEC("syscall")
int ctx_u16_fields(struct args *ctx)
{
	u32 sum = ctx->a + ctx->b + ctx->c + ctx->d + ctx->e + ctx->f + ctx->g;

	sum += ctx->h[0] + ctx->h[1] + ctx->h[2] + ctx->h[3] + ctx->h[4] + ctx->h[5];
	ctx->a = ctx->f;
	ctx->f = 0x5a;
	ctx->h[5] = ctx->h[0] ^ ctx->c;
	ctx->sum = sum;
	return ctx->d - ctx->c;
}

char _license[] SEC("license") = "GPL";
