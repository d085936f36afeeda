/* volatile stack variables: every access must happen, in order, even when the value is known. */
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
	u32 x;
	u32 out;
};

SEC("syscall")
int volatile_locals(struct args *ctx)
{
	volatile u32 v = ctx->x;
	volatile u64 w = 0;
	u32 a, b;
	int i;

	a = v;
	v = a + 1;
	b = v;
	for (i = 0; i < 4; i++)
		w = w + v * i;
	ctx->out = (u32)w;
	return a * 3 + b;
}

char _license[] SEC("license") = "GPL";
