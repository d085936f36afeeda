/* Arrays on the stack: initialization, indexing with input-dependent indices (masked), reversal. */
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
	u32 idx;
	u32 vals[8];
	u32 reversed[8];
};

SEC("syscall")
int stack_array(struct args *ctx)
{
	u32 a[8];
	u64 wide[4] = {1, 2, 3, 4};
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(a, ctx->vals, sizeof(a));
	for (i = 0; i < 8; i++)
		a[i] *= i + 1;
	for (i = 0; i < 4; i++) {
		u32 t = a[i];
		a[i] = a[7 - i];
		a[7 - i] = t;
	}
	__builtin_memcpy(ctx->reversed, a, sizeof(a));
	wide[ctx->idx & 3] += 100;
	return a[ctx->idx & 7] + (u32)(wide[0] + wide[1] * 10 + wide[2] * 100 + wide[3] * 1000);
}

char _license[] SEC("license") = "GPL";
