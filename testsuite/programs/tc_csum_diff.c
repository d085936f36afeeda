/* tc program verifying the IPv4 header checksum with bpf_csum_diff (28) over a copy loaded by bpf_skb_load_bytes (26). */
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

static long (*bpf_skb_load_bytes)(const void *skb, u32 offset, void *to, u32 len) = (void *)26;
static s64 (*bpf_csum_diff)(u32 *from, u32 from_size, u32 *to, u32 to_size, u32 seed) = (void *)28;

SEC("tc")
int tc_csum_diff(struct __sk_buff *skb)
{
	u32 hdr[5];
	s64 sum;
	u32 s;

	if (bpf_skb_load_bytes(skb, 14, hdr, sizeof(hdr)))
		return -1;
	sum = bpf_csum_diff(0, 0, hdr, sizeof(hdr), 0);
	if (sum < 0)
		return -2;
	s = (u32)sum;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	/* A valid header sums to 0xffff. */
	return s == 0xffff ? 1 : 0x10000 | s;
}

char _license[] SEC("license") = "GPL";
