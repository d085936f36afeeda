/* Helpers declared as in libbpf's generated bpf_helper_defs.h: static const function pointers, with typedefs and attributes. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

typedef u64 __u64;
typedef u32 __u32;

static long (* const bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 113;
static __u64 (* const bpf_ktime_get_ns)(void) = (void *) 5;

#define __uint_pair(a, b) ((__u64)(a) << 32 | (b))

struct args {
	__u64 in;
	__u64 out;
};

SEC("syscall")
int helper_const_fnptr(struct args *ctx)
{
	__u64 src = ctx->in, dst = 0;
	__u32 halves[2] __attribute__((aligned(8)));
	__u64 t0 = bpf_ktime_get_ns();

	if (bpf_probe_read_kernel(&dst, sizeof(dst), &src))
		return -1;
	if (bpf_probe_read_kernel(halves, sizeof(halves), &dst))
		return -2;
	ctx->out = __uint_pair(halves[0], halves[1]);
	return (bpf_ktime_get_ns() >= t0) + (dst == src) * 2;
}

char _license[] SEC("license") = "GPL";
