/* A socket filter: keeps IPv4 and IPv6 packets (truncated to 128 bytes),
 * drops everything else. Self-contained: no headers needed.
 *
 *   bpfcc -O2 -c examples/socket_filter.c -o socket_filter.o
 *   bpftool prog load socket_filter.o /sys/fs/bpf/socket_filter
 */

typedef unsigned int __u32;
typedef unsigned short __u16;

#define SEC(name) __attribute__((section(name), used))

/* The start of the kernel's struct __sk_buff (include/uapi/linux/bpf.h); the
 * fields a program reads must sit at the kernel's offsets. */
struct __sk_buff {
	__u32 len;
	__u32 pkt_type;
	__u32 mark;
	__u32 queue_mapping;
	__u32 protocol; /* network byte order */
};

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define SNAP_LEN 128

static __attribute__((always_inline)) int is_ip(__u32 protocol)
{
	__u16 proto = __builtin_bswap16((__u16)protocol);

	return proto == ETH_P_IP || proto == ETH_P_IPV6;
}

SEC("socket")
int keep_ip(struct __sk_buff *skb)
{
	if (!is_ip(skb->protocol))
		return 0; /* drop */
	return skb->len < SNAP_LEN ? skb->len : SNAP_LEN;
}

char _license[] SEC("license") = "GPL";
