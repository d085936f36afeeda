/* Loops counting down: unsigned i-- > 0, signed i >= 0, and a u8 counter that wraps around to stop. */
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
	u32 base;
	u32 a, b, c;
};

SEC("syscall")
int countdown_loops(struct args *ctx)
{
	u32 a = 0, b = 0, c = 0, i;
	s32 j;
	u8 k;

	for (i = 10; i-- > 0;)
		a = a * 3 + (ctx->base ^ i);
	for (j = 7; j >= 0; j--)
		b += (u32)j * ctx->base;
	for (k = 250; k != 4; k++)
		c += k;
	ctx->a = a;
	ctx->b = b;
	ctx->c = c;
	return i + j;
}

char _license[] SEC("license") = "GPL";
