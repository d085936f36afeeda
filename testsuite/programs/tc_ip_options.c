/* tc program walking IPv4 options with LD_IND in a bounded loop (variable offsets), looking for Router Alert (type 0x94). */
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

SEC("tc")
int tc_ip_options(struct __sk_buff *skb)
{
	u32 ihl, off, end, i;

	if (load_half(skb, 12) != 0x0800)
		return -1;
	ihl = (load_byte(skb, 14) & 0xf) * 4;
	end = 14 + ihl;
	off = 14 + 20;
	for (i = 0; i < 10; i++) {
		u32 type, len;

		if (off >= end)
			return 0;
		type = load_byte(skb, off);
		if (type == 0)          /* end of options */
			return 0;
		if (type == 1) {        /* no-op: one byte */
			off++;
			continue;
		}
		if (type == 0x94)
			return 0x10000 | (off - 14) << 8 | load_byte(skb, off + 1);
		len = load_byte(skb, off + 1);
		if (len < 2)
			return -2;
		off += len;
	}
	return -3;
}

char _license[] SEC("license") = "GPL";
