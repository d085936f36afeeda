/* bpf_probe_read_kernel_str (115): copies up to and including the NUL and returns the length copied. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_probe_read_kernel_str)(void *dst, u32 size, const void *unsafe_ptr) = (void *)115;

struct args {
	char src[16];
	char dst[8];
	s32 rc_full, rc_short;
};

SEC("syscall")
int helper_probe_read_str(struct args *ctx)
{
	char in[16], out[8] = {}, tiny[4] = {};

	__builtin_memcpy(in, ctx->src, sizeof(in));
	in[15] = 0;
	ctx->rc_full = bpf_probe_read_kernel_str(out, sizeof(out), in);
	ctx->rc_short = bpf_probe_read_kernel_str(tiny, sizeof(tiny), in);
	__builtin_memcpy(ctx->dst, out, sizeof(out));
	return tiny[0] + tiny[3];
}

char _license[] SEC("license") = "GPL";
