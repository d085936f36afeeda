/* __builtin_memset and __builtin_memcpy with constant sizes (expanded inline), on stack arrays and structs. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

struct blob {
	u8 b[13];
	u32 w;
	u64 q;
};

struct args {
	struct blob in;
	struct blob out;
	u8 fill;
};

SEC("syscall")
int mem_builtins(struct args *ctx)
{
	struct blob a, b;
	u8 buf[40];
	u32 sum = 0;
	int i;

	__builtin_memcpy(&a, &ctx->in, sizeof(a));
	__builtin_memset(&b, 0, sizeof(b));
	__builtin_memset(buf, ctx->fill, sizeof(buf));
	__builtin_memcpy(b.b + 3, a.b, 10);
	b.w = a.w;
	__builtin_memcpy(&b.q, buf, 8);
	__builtin_memcpy(buf + 8, &a, 16);
	for (i = 0; i < 40; i++)
		sum += buf[i];
	ctx->out = b;
	return sum;
}

char _license[] SEC("license") = "GPL";
