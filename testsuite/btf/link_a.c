/* First half of a `bpftool gen object` link: calls into link_b.c. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int shared_sub(int x);
int a_result;

SEC("syscall")
int use_shared(void *ctx)
{
	a_result = shared_sub(20);
	return a_result;
}

char LICENSE[] SEC("license") = "GPL";
