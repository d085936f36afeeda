/* One object with a program of each type (socket, xdp, tc, syscall) sharing a static function: each section gets its own program type. */
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

struct xdp_md {
	u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

static __attribute__((noinline)) u32 weight(u32 proto)
{
	switch (proto) {
	case 6: return 100;
	case 17: return 200;
	case 1: return 300;
	default: return 400;
	}
}

SEC("socket")
int mixed_socket(struct __sk_buff *skb)
{
	return weight(load_byte(skb, 9)) + 1;
}

SEC("xdp")
int mixed_xdp(struct xdp_md *ctx)
{
	u8 *data = (u8 *)(long)ctx->data;
	u8 *end = (u8 *)(long)ctx->data_end;

	if (data + 24 > end)
		return 0;
	return weight(data[23]) + 2;
}

SEC("tc")
int mixed_tc(struct __sk_buff *skb)
{
	return weight(load_byte(skb, 23)) + 3;
}

struct args {
	u32 proto;
};

SEC("syscall")
int mixed_syscall(struct args *ctx)
{
	return weight(ctx->proto) + 4;
}

char _license[] SEC("license") = "GPL";
