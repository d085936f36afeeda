/* Loops written with goto (backward jumps), bounded by a counter. */
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
	u32 steps;
};

SEC("syscall")
int goto_loop(struct args *ctx)
{
	u32 x = ctx->x, steps = 0;

again:
	if (steps >= 40)
		goto done;
	steps++;
	if (x & 1) {
		x = x * 3 + 1;
		goto again;
	}
	x >>= 1;
	if (x > 1)
		goto again;
done:
	ctx->steps = steps;
	return x;
}

char _license[] SEC("license") = "GPL";
