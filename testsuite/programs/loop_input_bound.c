/* Loops bounded both by a constant and by an input value (n & 15, i < n && i < 16). */
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
	u32 n;
	u32 vals[16];
	u32 prefix[16];
};

SEC("syscall")
int loop_input_bound(struct args *ctx)
{
	u32 n = ctx->n;
	u32 acc = 0, i, best = 0;
	u32 vals[16], prefix[16] = {};

	/* The verifier refuses a moving ctx pointer: work on stack copies. */
	__builtin_memcpy(vals, ctx->vals, sizeof(vals));
	for (i = 0; i < n && i < 16; i++) {
		acc += vals[i];
		prefix[i] = acc;
		if (vals[i] > best)
			best = vals[i];
	}
	__builtin_memcpy(ctx->prefix, prefix, sizeof(prefix));
	return best * 1000 + (n & 15);
}

char _license[] SEC("license") = "GPL";
