/* Compound literals: struct and array literals as values, as temporaries passed by pointer, and assigned. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct pair {
	s32 a, b;
};

struct args {
	s32 x, y;
	s32 sum, prod;
};

static __attribute__((noinline)) s32 dot(const struct pair *p, const struct pair *q)
{
	return p->a * q->a + p->b * q->b;
}

SEC("syscall")
int compound_literal(struct args *ctx)
{
	struct pair p = (struct pair){ ctx->x, ctx->y };
	s32 *v = (s32[]){ 3, ctx->x, 5, ctx->y };

	p = (struct pair){ .b = p.a, .a = p.b };
	ctx->sum = v[0] + v[1] + v[2] + v[3];
	ctx->prod = dot(&p, &(struct pair){ 2, -3 });
	return dot(&(struct pair){ ctx->x, 1 }, &(const struct pair){ 10, ctx->y });
}

char _license[] SEC("license") = "GPL";
