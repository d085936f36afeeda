/* __always_inline functions (the libbpf spelling) mixed with noinline ones, including an inline function taking pointers. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline u32 rotl32(u32 v, u32 n)
{
	return (v << (n & 31)) | (v >> ((32 - n) & 31));
}

static __always_inline void accumulate(u32 *h, u32 v)
{
	*h ^= v;
	*h = rotl32(*h, 5) * 0x9e3779b1u;
}

static __attribute__((noinline)) u32 finish(u32 h)
{
	h ^= h >> 15;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

struct args {
	u32 words[6];
	u32 hash;
};

SEC("syscall")
int always_inline(struct args *ctx)
{
	u32 h = 0x12345678;
	u32 words[6];
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(words, ctx->words, sizeof(words));
	for (i = 0; i < 6; i++)
		accumulate(&h, words[i]);
	ctx->hash = finish(h);
	return ctx->hash & 0x7fffffff;
}

char _license[] SEC("license") = "GPL";
