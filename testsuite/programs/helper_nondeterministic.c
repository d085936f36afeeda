/* Helpers with varying results used only through invariants: bpf_get_prandom_u32 (7), bpf_get_smp_processor_id (8), bpf_get_numa_node_id (42). */
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
u32 bpf_get_prandom_u32(void) __attribute__((kernel_helper(7)));
u32 bpf_get_smp_processor_id(void) __attribute__((kernel_helper(8)));
long bpf_get_numa_node_id(void) __attribute__((kernel_helper(42)));
#else
static u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static long (*bpf_get_numa_node_id)(void) = (void *)42;
#endif

struct args {
	u32 modulus;
};

SEC("syscall")
int helper_nondeterministic(struct args *ctx)
{
	u32 m = ctx->modulus | 1;
	u32 in_range = 0, i;

	for (i = 0; i < 16; i++)
		in_range += bpf_get_prandom_u32() % m < m;
	return in_range + (bpf_get_smp_processor_id() < 8192) * 100 + (bpf_get_numa_node_id() >= 0) * 1000;
}

char _license[] SEC("license") = "GPL";
