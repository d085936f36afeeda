/* Nested structs and arrays of structs: copies of inner members, by-value passing to an inline function. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct inner {
	u16 kind;
	u16 len;
	u32 value;
};

struct outer {
	u8 flags;
	struct inner items[3];
	struct inner extra;
};

struct args {
	struct outer o;
	u32 total;
	u32 pad;
};

static __attribute__((always_inline)) inline u32 weigh(struct inner it)
{
	return it.kind * 1000 + it.len * it.value;
}

SEC("syscall")
int struct_nested(struct args *ctx)
{
	struct outer o = ctx->o;
	u32 total = 0;
	int i;

	switch (o.flags % 3) {
	case 0: o.extra = o.items[0]; break;
	case 1: o.extra = o.items[1]; break;
	default: o.extra = o.items[2]; break;
	}
	o.items[0].value += 1;
	for (i = 0; i < 3; i++)
		total += weigh(o.items[i]);
	total += weigh(o.extra);
	ctx->o = o;
	ctx->total = total;
	return o.extra.kind;
}

char _license[] SEC("license") = "GPL";
