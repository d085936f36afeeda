/* Several syscall programs in one object sharing static functions; each is pinned and run separately. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

static __attribute__((noinline)) u32 shared(u32 x)
{
	return x * x + 1;
}

struct args {
	u32 x;
};

SEC("syscall")
int prog_square(struct args *ctx)
{
	return shared(ctx->x);
}

SEC("syscall")
int prog_twice(struct args *ctx)
{
	return shared(shared(ctx->x));
}

SEC("syscall")
int prog_const(struct args *ctx)
{
	return 42;
}

char _license[] SEC("license") = "GPL";
