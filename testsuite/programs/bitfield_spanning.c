/* Bitfields that do not fit the rest of a unit and fields straddling 32-bit halves of a 64-bit unit. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct spans {
	u64 lo : 20;
	u64 mid : 24; /* bits 20..43: crosses the 32-bit boundary */
	u64 hi : 20;
	u32 x : 30;
	u32 y : 5; /* does not fit after x: starts the next unit */
	u8 z : 4;
};

struct args {
	struct spans s;
	u64 lo, mid, hi, x, y, z;
	u32 size;
	u32 pad;
};

SEC("syscall")
int bitfield_spanning(struct args *ctx)
{
	struct spans s = ctx->s;

	ctx->lo = s.lo;
	ctx->mid = s.mid;
	ctx->hi = s.hi;
	ctx->x = s.x;
	ctx->y = s.y;
	ctx->z = s.z;
	ctx->size = sizeof(struct spans);
	return (s.mid >> 12) & 0xfff;
}

char _license[] SEC("license") = "GPL";
