/* Socket filter: the L4 destination port behind a variable-length IP header (LD_IND through load_half with a computed offset). */
// gcc-12 cannot: it emits LD_ABS/LD_IND (__builtin_bpf_load_*) without first copying the context into r6, where the kernel expects the skb (verifier: "R6 !read_ok")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_ld_ind(struct __sk_buff *skb)
{
	__u32 ihl = (load_byte(skb, 0) & 0xf) * 4;
	__u32 proto = load_byte(skb, 9);

	if (proto != 6 && proto != 17)
		return 0;
	return load_half(skb, ihl + 2);
}

char _license[] SEC("license") = "GPL";
