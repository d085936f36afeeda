/* Two-dimensional stack arrays: a 4x4 transpose and row/column sums with indices from the input. */
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
	u8 m[4][4];
	u32 row, col;
	u8 t[4][4];
	u32 rsum, csum;
};

SEC("syscall")
int stack_array_2d(struct args *ctx)
{
	u8 m[4][4], t[4][4];
	u32 r = ctx->row & 3, c = ctx->col & 3;
	u32 rsum = 0, csum = 0;
	int i, j;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(m, ctx->m, sizeof(m));
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			t[j][i] = m[i][j];
	/* Constant indices only: clang turns &m[r][i] into an OR the verifier refuses. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++) {
			if (i == r)
				rsum += m[i][j];
			if (j == c)
				csum += m[i][j];
		}
	__builtin_memcpy(ctx->t, t, sizeof(t));
	ctx->rsum = rsum;
	ctx->csum = csum;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			if (i == r && j == c)
				return t[i][j];
	return -1;
}

char _license[] SEC("license") = "GPL";
