/* Time helpers: bpf_ktime_get_ns (5) and bpf_ktime_get_boot_ns (125) are monotonic; only relations are compared. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#if __has_attribute(kernel_helper)
u64 bpf_ktime_get_ns(void) __attribute__((kernel_helper(5)));
u64 bpf_ktime_get_boot_ns(void) __attribute__((kernel_helper(125)));
u64 bpf_jiffies64(void) __attribute__((kernel_helper(118)));
#else
static u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;
static u64 (*bpf_jiffies64)(void) = (void *)118;
#endif

struct args {
	u32 rounds;
};

SEC("syscall")
int helper_time(struct args *ctx)
{
	u64 t0 = bpf_ktime_get_ns();
	u64 b0 = bpf_ktime_get_boot_ns();
	u64 prev = t0;
	u32 monotonic = 1, i;

	for (i = 0; i < 8; i++) {
		u64 t = bpf_ktime_get_ns();

		if (i >= ctx->rounds)
			break;
		if (t < prev)
			monotonic = 0;
		prev = t;
	}
	/* Boot time includes suspend: never less than the monotonic clock read before it. */
	return monotonic + (b0 >= t0) * 10 + (bpf_ktime_get_boot_ns() >= b0) * 100 + (bpf_jiffies64() != 0) * 1000;
}

char _license[] SEC("license") = "GPL";
