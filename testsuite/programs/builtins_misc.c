/* __builtin_expect (likely/unlikely), __builtin_constant_p, unused and aligned attributes, and __attribute__((packed)) structs. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct __attribute__((packed)) wire {
	u8 kind;
	u32 value;
	u16 port;
};

struct args {
	u8 raw[7];
	u8 pad;
	u32 value;
	u32 port;
	u32 size;
};

SEC("syscall")
int builtins_misc(struct args *ctx)
{
	struct wire w;
	u8 scratch[16] __attribute__((aligned(8))) = {};
	int unused_var __attribute__((unused)) = 3;
	u32 r = 0;

	__builtin_memcpy(&w, ctx->raw, sizeof(w));
	ctx->value = w.value;
	ctx->port = w.port;
	ctx->size = sizeof(struct wire);
	if (likely(w.kind == 1))
		r = 10;
	else if (unlikely(w.kind == 0xff))
		r = 20;
	scratch[w.kind & 15] = 7;
	r += scratch[1];
	r += __builtin_constant_p(42) * 100 + __builtin_constant_p(ctx->value) * 1000;
	return r;
}

char _license[] SEC("license") = "GPL";
