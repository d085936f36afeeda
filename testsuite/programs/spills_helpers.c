/* Values live across helper calls (which clobber r1-r5): callee-saved registers run out, so values spill. */
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
long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr) __attribute__((kernel_helper(113)));
#else
static long (*bpf_probe_read_kernel)(void *dst, u32 size, const void *unsafe_ptr) = (void *)113;
#endif

struct args {
	u64 in[8];
	u64 out;
};

SEC("syscall")
int spills_helpers(struct args *ctx)
{
	u64 a = ctx->in[0], b = ctx->in[1], c = ctx->in[2], d = ctx->in[3];
	u64 e = ctx->in[4], f = ctx->in[5], g = ctx->in[6], h = ctx->in[7];
	u64 x = 0, y = 0, z = 0;

	bpf_probe_read_kernel(&x, 8, &a);
	a += x + b;
	bpf_probe_read_kernel(&y, 8, &h);
	b ^= y + c;
	bpf_probe_read_kernel(&z, 8, &e);
	c *= z + d;
	bpf_probe_read_kernel(&x, 8, &g);
	ctx->out = a + b + c + d + e + f + g + h + x + y + z;
	return (int)(a ^ b ^ c ^ d ^ e ^ f ^ g ^ h);
}

char _license[] SEC("license") = "GPL";
