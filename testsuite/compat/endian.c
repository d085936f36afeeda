/* syscall program: bpf_htons/htonl/cpu_to_be64 on constants (folded) and on run-time values, written back to the context. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vals {
	__u16 s;
	__u32 l;
	__u64 q;
};

_Static_assert(bpf_htons(0x1234) == 0x3412, "constant htons folds");
_Static_assert(bpf_htonl(0x12345678) == 0x78563412, "constant htonl folds");

SEC("syscall")
int endian(struct vals *v)
{
	v->s = bpf_htons(v->s);
	v->l = bpf_ntohl(v->l);
	v->q = bpf_cpu_to_be64(v->q);
	return bpf_be64_to_cpu(bpf_cpu_to_be64(0x0102030405060708ULL)) == 0x0102030405060708ULL;
}

char _license[] SEC("license") = "GPL";
