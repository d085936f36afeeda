/* Socket filter: the IP protocol byte through load_byte (socket programs see the packet from the IP header on). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int sock_load_byte(struct __sk_buff *skb)
{
	return load_byte(skb, 9 /* offsetof(struct iphdr, protocol) */);
}

char _license[] SEC("license") = "GPL";
