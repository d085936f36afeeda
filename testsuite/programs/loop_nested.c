/* Nested loops: a small matrix product on the stack and a triangular double loop with inner break. */
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
	s32 a[3][3];
	s32 b[3][3];
	s32 c[3][3];
	u32 tri;
};

SEC("syscall")
int loop_nested(struct args *ctx)
{
	s32 a[3][3], b[3][3], m[3][3];
	u32 tri = 0;
	int i, j, k;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(a, ctx->a, sizeof(a));
	__builtin_memcpy(b, ctx->b, sizeof(b));
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++) {
			s32 acc = 0;
			for (k = 0; k < 3; k++)
				acc += a[i][k] * b[k][j];
			m[i][j] = acc;
		}
	__builtin_memcpy(ctx->c, m, sizeof(m));
	for (i = 0; i < 10; i++)
		for (j = 0; j < i; j++) {
			if (j * i > 20)
				break;
			tri += j + i;
		}
	ctx->tri = tri;
	return m[0][0] + m[1][1] + m[2][2];
}

char _license[] SEC("license") = "GPL";
