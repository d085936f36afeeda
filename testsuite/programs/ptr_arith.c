/* Pointer arithmetic on stack arrays: walking with p++, differences, comparisons and negative offsets. */
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
	u32 vals[8];
	s64 diff;
	u32 sum_fwd, sum_back;
};

SEC("syscall")
int ptr_arith(struct args *ctx)
{
	u32 buf[8];
	u32 *p, *end = buf + 8;
	u32 sum = 0, back = 0;
	int i;

	__builtin_memcpy(buf, ctx->vals, sizeof(buf));
	for (p = buf; p < end; p++)
		sum += *p;
	p = end - 1;
	for (i = 0; i < 8; i++) {
		back = back * 3 + *p;
		p--;
	}
	p = &buf[5];
	ctx->diff = (p - buf) * 100 + (end - p) * 10 + (&buf[2] - p);
	ctx->sum_fwd = sum;
	ctx->sum_back = back;
	return *(p - 2) + p[-1] + 2[buf];
}

char _license[] SEC("license") = "GPL";
