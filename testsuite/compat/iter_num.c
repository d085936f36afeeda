// gcc-12 cannot: it emits no BTF for extern functions, which libbpf needs for kfuncs ("failed to find BTF for extern 'bpf_iter_num_new'")
/*
 * syscall program: open-coded iterators bpf_for and bpf_repeat (bpf_iter_num
 * kfuncs). vmlinux.h defines struct bpf_iter_num (the installed UAPI headers
 * predate it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct args {
	int n;
};

SEC("syscall")
int iter_num(struct args *a)
{
	int i, n = a->n, sum = 0, reps = 0;

	bpf_for(i, 0, n)
		sum += i;
	bpf_repeat(3)
		reps++;
	return sum * 100 + reps;
}

char _license[] SEC("license") = "GPL";
