/* Second half of a `bpftool gen object` link: a global subprogram and data. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int b_calls;
const volatile int b_offset = 2;

__attribute__((noinline)) int shared_sub(int x)
{
	b_calls++;
	return x + b_offset;
}
