/* Constant-bound for loops: sums, products and a loop whose body depends on the input. */
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
	u32 n;
	u32 seed;
	u64 sum, squares, poly;
};

SEC("syscall")
int loop_for(struct args *ctx)
{
	u64 sum = 0, squares = 0, poly = 0;
	u32 i;

	for (i = 0; i < 32; i++) {
		sum += i * ctx->seed;
		squares += (u64)i * i;
	}
	for (i = 0; i < 16; i++)
		poly = poly * 31 + (ctx->n >> i & 1);
	ctx->sum = sum;
	ctx->squares = squares;
	ctx->poly = poly;
	return (int)(sum + squares + poly);
}

char _license[] SEC("license") = "GPL";
