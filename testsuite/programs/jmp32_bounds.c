/* Comparisons against constants at the signed and unsigned 32- and 64-bit boundaries (JMP32 and JMP with immediates). */
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
	u64 x;
};

SEC("syscall")
int jmp32_bounds(struct args *ctx)
{
	u64 x = ctx->x;
	u32 w = (u32)x;
	s32 sw = (s32)x;
	s64 sx = (s64)x;
	u32 r = 0;

	r |= (w > 0x7fffffff) << 0;
	r |= (sw < -2147483647) << 1;
	r |= (sw >= 0) << 2;
	r |= (w == 0xffffffff) << 3;
	r |= (x > 0xffffffffull) << 4;
	r |= (sx < -0x80000000ll) << 5;
	r |= (sx > 0x7fffffffll) << 6;
	r |= (x == 0xffffffff80000000ull) << 7;
	r |= (sw <= -1) << 8;
	r |= (w < 1) << 9;
	r |= (sx >= 0x100000000ll) << 10;
	r |= ((x & 0xffffffff) != w) << 11;
	return r;
}

char _license[] SEC("license") = "GPL";
