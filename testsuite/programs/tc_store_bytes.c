/* tc program rewriting the destination MAC with bpf_skb_store_bytes (9) and reading it back with bpf_skb_load_bytes (26). */
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
long bpf_skb_store_bytes(void *skb, u32 offset, const void *from, u32 len, u64 flags) __attribute__((kernel_helper(9)));
long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len) __attribute__((kernel_helper(26)));
#else
static long (*bpf_skb_store_bytes)(void *skb, u32 offset, const void *from, u32 len, u64 flags) = (void *)9;
static long (*bpf_skb_load_bytes)(const void *skb, u32 offset, void *to, u32 len) = (void *)26;
#endif

SEC("tc")
int tc_store_bytes(struct __sk_buff *skb)
{
	u8 mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	u8 check[6] = {};
	u8 src[6];
	int i, same = 0;

	if (bpf_skb_load_bytes(skb, 6, src, 6))
		return -1;
	mac[5] ^= src[5];
	if (bpf_skb_store_bytes(skb, 0, mac, 6, 0))
		return -2;
	if (bpf_skb_load_bytes(skb, 0, check, 6))
		return -3;
	for (i = 0; i < 6; i++)
		same += check[i] == mac[i];
	return same;
}

char _license[] SEC("license") = "GPL";
