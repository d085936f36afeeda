/* Plain char is signed on BPF (as on x86-64): comparisons, promotions and conversions of char, signed char and unsigned char. */
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
	char c[4];
	s32 r[4];
};

SEC("syscall")
int char_signedness(struct args *ctx)
{
	char c = ctx->c[0];
	signed char s = ctx->c[1];
	unsigned char u = ctx->c[2];
	char all[4];
	int neg = 0, i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(all, ctx->c, sizeof(all));
	for (i = 0; i < 4; i++)
		neg += all[i] < 0;
	ctx->r[0] = c;
	ctx->r[1] = s + u;
	ctx->r[2] = (unsigned char)c + (char)u;
	ctx->r[3] = c == (char)0x80;
	return neg * 1000 + (c > 'a');
}

char _license[] SEC("license") = "GPL";
