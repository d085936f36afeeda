/* A chain of calls five deep (no recursion), each level adding its own work and passing a stack pointer down. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define __noinline __attribute__((noinline))

struct acc {
	u64 sum;
	u32 depth;
	u32 trail;
};

static __noinline void level5(struct acc *a, u64 v)
{
	a->sum += v * 5;
	a->depth = 5;
	a->trail = a->trail * 10 + 5;
}

static __noinline void level4(struct acc *a, u64 v)
{
	a->trail = a->trail * 10 + 4;
	level5(a, v + 4);
	a->sum ^= 4;
}

static __noinline void level3(struct acc *a, u64 v)
{
	a->trail = a->trail * 10 + 3;
	level4(a, v * 3);
}

static __noinline u64 level2(struct acc *a, u64 v)
{
	a->trail = a->trail * 10 + 2;
	level3(a, v + 2);
	return a->sum + 2;
}

static __noinline u64 level1(u64 v)
{
	struct acc a = { 0, 0, 1 };
	u64 r = level2(&a, v);

	return r * 1000000 + a.trail + a.depth * 100000;
}

struct args {
	u64 v;
	u64 out;
};

SEC("syscall")
int call_chain(struct args *ctx)
{
	ctx->out = level1(ctx->v);
	return (int)(ctx->out % 1000003);
}

char _license[] SEC("license") = "GPL";
