/* While loops with constant upper bounds: Collatz steps and gcd bounded by a step limit. */
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
	u64 x, y;
	u32 collatz_steps, gcd_steps;
	u64 gcd;
};

SEC("syscall")
int loop_while(struct args *ctx)
{
	u64 x = ctx->x, a = ctx->x, b = ctx->y;
	u32 steps = 0, gsteps = 0;

	while (x != 1 && x != 0 && steps < 200) {
		x = (x & 1) ? 3 * x + 1 : x / 2;
		steps++;
	}
	while (b != 0 && gsteps < 100) {
		u64 t = a % b;
		a = b;
		b = t;
		gsteps++;
	}
	ctx->collatz_steps = steps;
	ctx->gcd_steps = gsteps;
	ctx->gcd = a;
	return steps;
}

char _license[] SEC("license") = "GPL";
