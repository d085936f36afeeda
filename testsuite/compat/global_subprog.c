/* syscall program: a global (non-inlined, verified separately) function and a static __noinline one. */
// gcc-12 cannot: calls to BPF subprograms carry relocations libbpf cannot resolve ("no .text section found yet sub-program call exists")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int mix(__u32 a, __u32 b)
{
	return (a * 31) ^ b;
}

static __noinline __u32 clamp(__u32 x, __u32 hi)
{
	return x > hi ? hi : x;
}

SEC("syscall")
int global_subprog(__u32 *v)
{
	return mix(clamp(v[0], 1000), v[1]);
}

char _license[] SEC("license") = "GPL";
