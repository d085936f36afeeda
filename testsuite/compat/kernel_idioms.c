/* syscall program: container_of, offsetof, likely/unlikely and KERNEL_VERSION from bpf_helpers.h. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct node {
	__u32 tag;
	__u64 weight;
	struct inner {
		__u32 a, b;
	} in;
};

static __always_inline struct node *node_of(struct inner *p)
{
	return container_of(p, struct node, in);
}

SEC("syscall")
int kernel_idioms(__u32 *v)
{
	struct node n = { .tag = v[0], .weight = 2, .in = { v[1], v[2] } };
	struct node *back = node_of(&n.in);
	__u32 x = v[0];

	_Static_assert(KERNEL_VERSION(6, 12, 300) == 0x060cff, "KERNEL_VERSION clamps the patch level");
	if (unlikely(back != &n))
		return -1;
	if (likely(x < 100))
		return back->tag * 1000 + offsetof(struct node, in) * 10 + back->in.b;
	return 0;
}

char _license[] SEC("license") = "GPL";
