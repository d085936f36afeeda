/* syscall program: barrier() and barrier_var() (empty inline assembly) keep a bounds check the verifier needs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("syscall")
int barriers(__u32 *v)
{
	__u32 table[8] = { 1, 2, 3, 5, 8, 13, 21, 34 };
	__u32 i = v[0];

	barrier();
	barrier_var(i);
	if (i >= 8)
		return -1;
	return table[i];
}

char _license[] SEC("license") = "GPL";
