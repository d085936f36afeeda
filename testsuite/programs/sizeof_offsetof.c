/* sizeof and offsetof (__builtin_offsetof) of structs with padding, arrays, bitfields and nested members. */
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
	u8 tag;
	u64 v;
};

struct layout {
	u8 a;
	u32 b;
	u16 c;
	struct inner in[2];
	u8 d;
	u32 bf : 3;
	u32 bg : 12;
	u8 e[3];
};

#define offsetof(T, m) __builtin_offsetof(T, m)

struct args {
	u64 r[10];
};

SEC("syscall")
int sizeof_offsetof(struct args *ctx)
{
	struct layout l;

	ctx->r[0] = sizeof(struct layout);
	ctx->r[1] = offsetof(struct layout, b);
	ctx->r[2] = offsetof(struct layout, c);
	ctx->r[3] = offsetof(struct layout, in);
	ctx->r[4] = offsetof(struct layout, in[1].v);
	ctx->r[5] = offsetof(struct layout, d);
	ctx->r[6] = offsetof(struct layout, e);
	ctx->r[7] = sizeof(l.in) + sizeof l.e + sizeof(l.in[0].tag);
	ctx->r[8] = sizeof(u64[3][5]) + sizeof(char) + sizeof(long) + sizeof(void *);
	ctx->r[9] = _Alignof(struct inner) * 100 + _Alignof(struct layout);
	return sizeof(struct args);
}

char _license[] SEC("license") = "GPL";
