/* A function using most of the 512-byte stack: a 448-byte array filled and folded. */
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
	u64 seed;
	u64 out;
};

SEC("syscall")
int large_stack(struct args *ctx)
{
	u64 big[56];
	u64 acc = 0;
	int i;

	big[0] = ctx->seed;
	for (i = 1; i < 56; i++)
		big[i] = big[i - 1] * 6364136223846793005ull + 1;
	for (i = 0; i < 56; i++)
		acc ^= big[i] >> (i & 31);
	ctx->out = acc;
	return (int)(big[55] >> 40);
}

char _license[] SEC("license") = "GPL";
