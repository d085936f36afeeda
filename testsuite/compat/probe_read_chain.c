/* syscall program: BPF_PROBE_READ and BPF_PROBE_READ_INTO follow a three-step pointer chain with bpf_probe_read_kernel. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct leaf {
	__u32 pad;
	__u32 v;
};
struct mid {
	__u64 pad;
	struct leaf *leaf;
};
struct top {
	__u32 x;
	struct mid *mid;
};

struct args {
	__u32 v;
};

SEC("syscall")
int probe_read_chain(struct args *a)
{
	struct leaf l = { .pad = 1, .v = a->v };
	struct mid m = { .pad = 2, .leaf = &l };
	struct top t = { .x = 3, .mid = &m };
	struct top *tp = &t;
	__u32 w = 0;
	__u32 v = BPF_PROBE_READ(tp, mid, leaf, v);

	if (BPF_PROBE_READ_INTO(&w, tp, mid, leaf, pad))
		return -1;
	return v * 10 + w;
}

char _license[] SEC("license") = "GPL";
