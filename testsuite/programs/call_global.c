/* Global (non-static) noinline functions, verified by the kernel on their own, called from two programs. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

__attribute__((noinline)) int mix(int a, int b)
{
	return (a * 31) ^ (b + 7);
}

__attribute__((noinline)) int mix3(int a, int b, int c)
{
	return mix(mix(a, b), c) + 1;
}

struct args {
	s32 a, b, c;
	s32 out;
};

SEC("syscall")
int call_global(struct args *ctx)
{
	ctx->out = mix(ctx->a, ctx->b);
	return mix3(ctx->a, ctx->b, ctx->c);
}

SEC("syscall")
int call_global_again(struct args *ctx)
{
	return mix(ctx->c, ctx->a) - mix3(1, 2, 3);
}

char _license[] SEC("license") = "GPL";
