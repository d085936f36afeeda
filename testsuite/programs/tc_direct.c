/* tc classifier with direct packet access through __sk_buff data/data_end: drops TCP to port 22 (TC_ACT_SHOT) and counts bytes. */
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

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

SEC("tc")
int tc_direct(struct __sk_buff *skb)
{
	u8 *data = (u8 *)(long)skb->data;
	u8 *end = (u8 *)(long)skb->data_end;
	u32 ihl;
	u8 *l4;

	if (data + 34 > end)
		return TC_ACT_OK;
	if (data[12] != 0x08 || data[13] != 0x00 || data[23] != 6)
		return TC_ACT_OK;
	ihl = (data[14] & 0xf) * 4;
	if (ihl < 20)
		return TC_ACT_SHOT;
	l4 = data + 14 + ihl;
	if (l4 + 4 > end)
		return TC_ACT_SHOT;
	if (l4[2] == 0 && l4[3] == 22)
		return TC_ACT_SHOT;
	return skb->len << 8 | l4[3];
}

char _license[] SEC("license") = "GPL";
