/* A tagged union inside a struct, dispatched on the tag, with a union member that is a struct. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

enum shape_kind { CIRCLE = 1, RECT = 2, TRIANGLE = 3 };

struct shape {
	u32 kind;
	union {
		struct { u32 r; } circle;
		struct { u32 w, h; } rect;
		struct { u16 a, b, c; } tri;
	};
};

struct args {
	struct shape s[3];
	u32 areas[3];
};

static __attribute__((noinline)) u32 area(struct shape *s)
{
	switch (s->kind) {
	case CIRCLE:
		return 3 * s->circle.r * s->circle.r;
	case RECT:
		return s->rect.w * s->rect.h;
	case TRIANGLE:
		return (u32)s->tri.a + s->tri.b + s->tri.c;
	}
	return 0;
}

SEC("syscall")
int union_tagged(struct args *ctx)
{
	struct shape s[3];
	u32 total = 0, areas[3];
	int i;

	__builtin_memcpy(s, ctx->s, sizeof(s));
	for (i = 0; i < 3; i++) {
		u32 a = area(&s[i]);
		areas[i] = a;
		total += a;
	}
	/* Written back in one piece: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(ctx->areas, areas, sizeof(areas));
	return total;
}

char _license[] SEC("license") = "GPL";
