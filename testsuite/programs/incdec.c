/* Pre/post increment and decrement on integers and pointers inside larger expressions. */
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
	u32 v[6];
	u32 out[6];
};

SEC("syscall")
int incdec(struct args *ctx)
{
	u32 buf[6], *p = buf, *q;
	u32 i = 0, j = 10, k;
	u8 small = 254;
	u32 in[6];
	int n;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(in, ctx->v, sizeof(in));
	for (n = 0; n < 6; n++)
		*p++ = in[n];
	q = p;
	k = i++ + ++i + j-- - --j;
	--p;
	*p-- += 100;
	(*p)++;
	++*--p;
	small++;
	small++;
	__builtin_memcpy(ctx->out, buf, sizeof(buf));
	return k * 1000 + small * 10 + (u32)(q - buf) + i + j;
}

char _license[] SEC("license") = "GPL";
