/* Signed division at -mcpu=v4 on 8- and 16-bit operands and by constants, inside a loop. */
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
	s16 a;
	s8 b;
	s8 pad;
	s32 acc;
};

SEC("syscall")
int sdiv_v4_narrow(struct args *ctx)
{
	s16 a = ctx->a;
	s8 b = ctx->b;
	s32 acc = 0;
	int i;

	if (b == 0)
		return 0;
	for (i = 1; i <= 5; i++)
		acc += (a / b) * i - (a % b) + a / (i * 3 - 20);
	ctx->acc = acc;
	return (a / 3) + (a % -4) * 1000;
}

char _license[] SEC("license") = "GPL";
