/* bpf_probe_read_kernel (113) copying between stack buffers, declared both ways, called repeatedly. */
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
	u64 src[4];
	u64 dst[4];
	s64 rc;
};

SEC("syscall")
int helper_probe_read(struct args *ctx)
{
	u64 a[4], b[4] = {};
	u32 c[2] = {};
	long rc = 0;
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(a, ctx->src, sizeof(a));
	for (i = 0; i < 4; i++)
		a[i] += i;
	rc += bpf_probe_read_kernel(b, sizeof(b), a);
	rc += bpf_probe_read_kernel(c, sizeof(c), &a[1]);
	rc += bpf_probe_read_kernel(&b[3], 8, &c);
	__builtin_memcpy(ctx->dst, b, sizeof(b));
	ctx->rc = rc;
	return c[0] + c[1];
}

char _license[] SEC("license") = "GPL";
