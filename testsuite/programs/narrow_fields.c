/* Arithmetic on narrow struct fields on the stack: u8/s8/u16/s16 members read, modified and stored back (sub-word loads and stores). */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct narrow {
	u8 a;
	s8 b;
	u16 c;
	s16 d;
	u8 e[2];
	u32 f;
};

struct args {
	struct narrow in;
	struct narrow out;
	s32 sum;
	u32 pad;
};

SEC("syscall")
int narrow_fields(struct args *ctx)
{
	struct narrow n = ctx->in;
	int i;

	for (i = 0; i < 3; i++) {
		n.a += n.e[i & 1];
		n.b -= 3;
		n.c ^= n.a << 4;
		n.d = n.d * 2 + n.b;
		n.e[0]++;
		n.f += n.c;
	}
	ctx->out = n;
	ctx->sum = n.a + n.b + n.c + n.d + n.e[0] + n.e[1];
	return n.d;
}

char _license[] SEC("license") = "GPL";
