/* 64-bit unsigned arithmetic on a context struct; results written back. */
typedef unsigned long long u64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u64 a, b;
	u64 sum, diff, prod, quot, rem;
};

SEC("syscall")
int arith_u64(struct args *ctx)
{
	u64 a = ctx->a, b = ctx->b;

	ctx->sum = a + b;
	ctx->diff = a - b;
	ctx->prod = a * b;
	ctx->quot = b ? a / b : 0;
	ctx->rem = b ? a % b : 0;
	return (int)(ctx->sum ^ ctx->prod);
}

char _license[] SEC("license") = "GPL";
