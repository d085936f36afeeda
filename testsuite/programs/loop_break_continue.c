/* break and continue in for, while and do loops, with early exits that depend on the input. */
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
	u32 limit, skip_mask;
	u32 first_over, summed, counted;
	u32 pad;
};

SEC("syscall")
int loop_break_continue(struct args *ctx)
{
	u32 limit = ctx->limit, mask = ctx->skip_mask;
	u32 first = 0xffffffff, sum = 0, count = 0, i;

	for (i = 0; i < 64; i++) {
		if (i * i > limit) {
			first = i;
			break;
		}
	}
	for (i = 0; i < 32; i++) {
		if (mask & (1u << i))
			continue;
		sum += i;
	}
	i = 0;
	while (i < 50) {
		i++;
		if (i % 3 == 0)
			continue;
		if (i > limit)
			break;
		count++;
	}
	ctx->first_over = first;
	ctx->summed = sum;
	ctx->counted = count;
	return first + sum + count;
}

char _license[] SEC("license") = "GPL";
