/* The libbpf declaration style only (static function pointers), each helper called several times in one function. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_probe_read_kernel)(void *dst, u32 size, const void *unsafe_ptr) = (void *)113;
static u64 (*bpf_ktime_get_ns)(void) = (void *)5;

struct args {
	u32 v[4];
	u32 out[4];
};

SEC("syscall")
int helper_fnptr_repeated(struct args *ctx)
{
	u32 a[4], b[4], out[4];
	u64 t1, t2;
	long rc;
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(a, ctx->v, sizeof(a));
	for (i = 0; i < 4; i++)
		a[i] *= 2;
	t1 = bpf_ktime_get_ns();
	rc = bpf_probe_read_kernel(&b[0], 4, &a[3]);
	rc |= bpf_probe_read_kernel(&b[1], 4, &a[2]);
	rc |= bpf_probe_read_kernel(&b[2], 8, &a[0]);
	t2 = bpf_ktime_get_ns();
	for (i = 0; i < 4; i++)
		out[i] = i < 3 ? b[i] : (u32)rc;
	__builtin_memcpy(ctx->out, out, sizeof(out));
	return (t2 >= t1) + (rc == 0) * 2;
}

char _license[] SEC("license") = "GPL";
