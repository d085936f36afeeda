/* Operator precedence and associativity without redundant parentheses, mixed with casts and unary operators. */
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
	s32 a, b, c;
	u32 r[6];
};

SEC("syscall")
int precedence(struct args *ctx)
{
	s32 a = ctx->a, b = ctx->b, c = ctx->c;
	u32 r[6];

	r[0] = a + b * c - a / 3u % 5 << 2 >> 1;
	r[1] = a & b | c ^ a & ~b;
	r[2] = a < b == b < c != (a > c);
	r[3] = a - b - c - -a;
	r[4] = (u32)-a * +b + !c - ~c;
	r[5] = a > 0 && b > 0 || c > 0 ? a ? b : c : -1;
	__builtin_memcpy(ctx->r, r, sizeof(r));
	return (u32)a << 3 | b & 7 ^ c;
}

char _license[] SEC("license") = "GPL";
