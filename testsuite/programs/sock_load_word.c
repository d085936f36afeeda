/* Socket filter reading 32-bit words (load_word) and halves: addresses, total length and a folded header checksum. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

/* Packet loads (BPF_LD_ABS/LD_IND): GCC's builtins, else LLVM's intrinsics by their asm names. */
#if __has_builtin(__builtin_bpf_load_byte)
#define load_byte(skb, off) __builtin_bpf_load_byte(off)
#define load_half(skb, off) __builtin_bpf_load_half(off)
#define load_word(skb, off) __builtin_bpf_load_word(off)
#else
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");
#endif

struct __sk_buff {
	u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto, priority;
	u32 ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end;
};

SEC("socket")
int sock_load_word(struct __sk_buff *skb)
{
	u32 src = load_word(skb, 12);
	u32 dst = load_word(skb, 16);
	u32 sum = 0;
	int i;

	/* The IPv4 header checksum: the one's complement sum of its ten halves is 0xffff. */
	for (i = 0; i < 10; i++)
		sum += load_half(skb, i * 2);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return 1;
	return (src & 0xff) << 24 | (dst & 0xff) << 16 | load_half(skb, 2);
}

char _license[] SEC("license") = "GPL";
