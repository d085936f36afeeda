/* _Static_assert at file and block scope, constant expressions that must fold at compile time. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct hdr {
	u16 a;
	u16 b;
	u32 c;
};

_Static_assert(sizeof(struct hdr) == 8, "hdr is 8 bytes");
_Static_assert(__builtin_offsetof(struct hdr, c) == 4, "c at 4");
_Static_assert(sizeof(u64) == 8 && sizeof(long) == 8 && sizeof(int) == 4, "LP64");
_Static_assert((-1 >> 1) == -1, "arithmetic shift of negative ints");
_Static_assert((u8)300 == 44, "truncation");
_Static_assert(1 ? 1 : 0, "conditional");

enum { LIMIT = 12 };
_Static_assert(LIMIT * 2 == 24, "enum arithmetic");

struct args {
	u32 x;
};

SEC("syscall")
int static_assertions(struct args *ctx)
{
	_Static_assert(sizeof(ctx->x) == 4, "block scope");
	u32 arr[LIMIT];
	int i;

	_Static_assert(sizeof(arr) / sizeof(arr[0]) == LIMIT, "array size");
	for (i = 0; i < LIMIT; i++)
		arr[i] = ctx->x + i;
	return arr[LIMIT - 1] + (int)sizeof(struct hdr);
}

char _license[] SEC("license") = "GPL";
