/* Struct assignment between stack variables and the context, and struct swap. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct point {
	s32 x, y;
	u64 tag;
};

struct args {
	struct point p, q;
	struct point out_p, out_q;
};

SEC("syscall")
int struct_copy(struct args *ctx)
{
	struct point a = ctx->p, b = ctx->q, t;

	t = a;
	a = b;
	b = t;
	a.x += 1;
	b.tag ^= 0xff;
	ctx->out_p = a;
	ctx->out_q = b;
	return a.x * b.y;
}

char _license[] SEC("license") = "GPL";
