/* A dense switch (a jump-table candidate) over 0..11 with a default. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u32 sel;
	u32 x;
};

SEC("syscall")
int switch_dense(struct args *ctx)
{
	u32 x = ctx->x;

	switch (ctx->sel) {
	case 0: return x + 1;
	case 1: return x * 2;
	case 2: return x - 3;
	case 3: return x ^ 0xff;
	case 4: return x >> 1;
	case 5: return x << 2;
	case 6: return x | 0x100;
	case 7: return x & 0xf;
	case 8: return ~x;
	case 9: return x % 7;
	case 10: return x / 3;
	case 11: return 1000;
	default: return -1;
	}
}

char _license[] SEC("license") = "GPL";
