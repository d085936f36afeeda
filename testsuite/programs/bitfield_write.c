/* Writing bitfields: stores that must preserve neighbouring fields, increments, and signed stores. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct packed_hdr {
	u32 version : 4;
	u32 ihl : 4;
	u32 tos : 8;
	u32 len : 16;
	u64 id : 13;
	s64 delta : 11;
	u64 rest : 40;
};

struct args {
	struct packed_hdr h;
	u32 v, l;
	s32 d;
	u32 pad;
};

SEC("syscall")
int bitfield_write(struct args *ctx)
{
	struct packed_hdr h = ctx->h;

	h.version = ctx->v;
	h.len = ctx->l;
	h.delta = ctx->d;
	h.ihl++;
	h.id += 100;
	h.rest = ~h.rest;
	ctx->h = h;
	return h.ihl * 100 + h.version;
}

char _license[] SEC("license") = "GPL";
