/* GNU case ranges (case 'a' ... 'z':) classifying characters, and a switch on a signed char. */
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
	u8 text[16];
	u32 lower, upper, digit, space, other;
};

static __attribute__((noinline)) int classify(s8 c)
{
	switch (c) {
	case 'a' ... 'z':
		return 0;
	case 'A' ... 'Z':
		return 1;
	case '0' ... '9':
		return 2;
	case ' ':
	case '\t':
	case '\n':
		return 3;
	case -128 ... -1:
		return 5;
	default:
		return 4;
	}
}

SEC("syscall")
int switch_ranges(struct args *ctx)
{
	u32 counts[6] = {};
	u8 text[16];
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(text, ctx->text, sizeof(text));
	for (i = 0; i < 16; i++)
		counts[classify(text[i])]++;
	ctx->lower = counts[0];
	ctx->upper = counts[1];
	ctx->digit = counts[2];
	ctx->space = counts[3];
	ctx->other = counts[4];
	return counts[5];
}

char _license[] SEC("license") = "GPL";
