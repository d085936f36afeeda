/* syscall program: BPF_SNPRINTF formats into a buffer; the length and a digit are returned. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("syscall")
int snprintf_buf(__u32 *v)
{
	char buf[32];
	long n = BPF_SNPRINTF(buf, sizeof(buf), "%u-%u", v[0], v[1]);

	if (n <= 0)
		return -1;
	return n * 1000 + buf[0];
}

char _license[] SEC("license") = "GPL";
