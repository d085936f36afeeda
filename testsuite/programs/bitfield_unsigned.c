/* Reading unsigned bitfields of various widths packed into 32- and 64-bit storage units. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct flags {
	u32 a : 1;
	u32 b : 3;
	u32 c : 7;
	u32 d : 21;
	u64 e : 12;
	u64 f : 40;
	u64 g : 12;
};

struct args {
	struct flags fl;
	u32 a, b, c, d;
	u64 e, f, g;
};

_Static_assert(sizeof(struct flags) == 16, "two storage units");

SEC("syscall")
int bitfield_unsigned(struct args *ctx)
{
	struct flags fl = ctx->fl;

	ctx->a = fl.a;
	ctx->b = fl.b;
	ctx->c = fl.c;
	ctx->d = fl.d;
	ctx->e = fl.e;
	ctx->f = fl.f;
	ctx->g = fl.g;
	return fl.a + fl.b + fl.c + fl.d;
}

char _license[] SEC("license") = "GPL";
