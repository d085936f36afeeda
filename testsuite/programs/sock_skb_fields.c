/* Socket filter reading __sk_buff fields (len, protocol in network order, pkt_type) and bpf_skb_load_bytes (26). */
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

#if __has_attribute(kernel_helper)
long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len) __attribute__((kernel_helper(26)));
#else
static long (*bpf_skb_load_bytes)(const void *skb, u32 offset, void *to, u32 len) = (void *)26;
#endif

SEC("socket")
int sock_skb_fields(struct __sk_buff *skb)
{
	u8 hdr[20];
	u32 len = skb->len;
	u32 sum = 0;
	int i;

	if (bpf_skb_load_bytes(skb, 0, hdr, sizeof(hdr)) < 0)
		return -2;
	for (i = 0; i < 20; i++)
		sum += hdr[i];
	/* A read past the end fails. */
	if (bpf_skb_load_bytes(skb, len, hdr, 1) == 0)
		return -3;
	return (len << 16) | (skb->protocol == __builtin_bswap16(0x0800)) << 12 | (sum & 0xfff);
}

char _license[] SEC("license") = "GPL";
