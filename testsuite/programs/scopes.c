/* Block scopes: shadowed variables in nested blocks and loops, each name bound to its own storage. */
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
	s32 x;
	s32 trace[4];
};

SEC("syscall")
int scopes(struct args *ctx)
{
	s32 x = ctx->x;
	s32 trace[4];
	s32 total = 0;

	{
		s32 x = 10;

		trace[0] = x;
		{
			s32 x = ctx->x * 2;

			trace[1] = x;
			total += x;
		}
		total += x;
	}
	for (s32 i = 0, x = 100; i < 3; i++, x++) {
		s32 total = x;

		trace[2] = total;
	}
	{
		s32 i = x;

		for (s32 x = 0; x < 2; x++)
			i += x;
		trace[3] = i;
	}
	__builtin_memcpy(ctx->trace, trace, sizeof(trace));
	return total + x;
}

char _license[] SEC("license") = "GPL";
