/* syscall program: globals in .data, .bss and .rodata (const volatile configuration), read and written. */
// gcc-12 cannot: a reference to a global that is not first in its section carries the offset both in the instruction and through the symbol, so libbpf counts it twice (verifier: "invalid access to map value pointer, value_size=16 off=16")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 scale = 3;
__u32 calls;
__u64 last_input = 100;
static const char tag[] = "bpfcc";

SEC("syscall")
int global_data(__u32 *in)
{
	__u64 previous = last_input;

	last_input = *in;
	calls = 1;
	return *in * scale + (previous == 100) * 1000 + tag[4] + calls;
}

char _license[] SEC("license") = "GPL";
