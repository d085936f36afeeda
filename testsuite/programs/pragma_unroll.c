/* Loops with #pragma unroll (common in BPF code): a compiler that does not unroll must still ignore the pragma and compute the same result. */
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
	u32 v[8];
	u32 out;
};

SEC("syscall")
int pragma_unroll(struct args *ctx)
{
	u32 h = 2166136261u;
	u32 m = 0;
	u32 v[8];
	int i;

	/* A stack copy, so the program verifies whether or not the loops are unrolled. */
	__builtin_memcpy(v, ctx->v, sizeof(v));
#pragma unroll
	for (i = 0; i < 8; i++) {
		h ^= v[i];
		h *= 16777619u;
	}
#pragma clang loop unroll(full)
	for (i = 0; i < 8; i++)
		m = v[i] > m ? v[i] : m;
	ctx->out = h;
	return m;
}

char _license[] SEC("license") = "GPL";
