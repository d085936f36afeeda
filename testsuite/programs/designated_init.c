/* Designated initializers: out-of-order fields, array indices, nested designators, zeroed rest. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct cfg {
	u32 a;
	u16 b;
	u8 c[4];
	struct {
		u32 x, y;
	} pt;
	u64 z;
};

struct args {
	u32 sel;
	u32 pad;
	struct cfg out;
};

SEC("syscall")
int designated_init(struct args *ctx)
{
	struct cfg k = {
		.pt.y = 7,
		.c = { [2] = 9, [0] = 4 },
		.a = ctx->sel * 2,
		.z = 0x1122334455667788ull,
	};
	u32 table[10] = { [3] = 30, [7] = 70, [9] = 90, [1] = 10 };
	u64 arr[4] = { [1] = 5, 6 };

	ctx->out = k;
	return table[ctx->sel & 7] + k.c[0] + k.c[1] + k.c[2] + k.b + (u32)arr[2] * 1000 + (u32)arr[3];
}

char _license[] SEC("license") = "GPL";
