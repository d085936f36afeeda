// gcc-12 cannot: it emits no BTF for extern functions, which libbpf needs for __ksym ("failed to find BTF for extern")
/* syscall program: bpf_ksym_exists on a __weak kfunc the kernel has and on one it lacks (libbpf resolves the latter to 0). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int bpf_compat_no_such_kfunc(void) __ksym __weak;

SEC("syscall")
int ksym_exists(void *ctx)
{
	return bpf_ksym_exists(bpf_iter_num_new) * 2 + bpf_ksym_exists(bpf_compat_no_such_kfunc);
}

char _license[] SEC("license") = "GPL";
