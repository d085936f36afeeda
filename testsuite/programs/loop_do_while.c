/* do/while loops: digit sums and a loop that always runs its body at least once. */
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
	u64 x;
	u32 digits, digit_sum;
	u32 once;
	u32 pad;
};

SEC("syscall")
int loop_do_while(struct args *ctx)
{
	u64 x = ctx->x;
	u32 digits = 0, sum = 0, once = 0;
	int guard = 0;

	do {
		sum += x % 10;
		x /= 10;
		digits++;
	} while (x && digits < 20);
	do {
		once++;
	} while (++guard < 0);
	ctx->digits = digits;
	ctx->digit_sum = sum;
	ctx->once = once;
	return digits * 100 + sum;
}

char _license[] SEC("license") = "GPL";
