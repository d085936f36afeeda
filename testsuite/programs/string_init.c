/* char arrays initialized from string literals on the stack, a strlen loop and byte-wise comparison with the input. */
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
	char word[16];
	u32 len;
	s32 cmp;
	char greeting[16];
};

static __attribute__((noinline)) int cmp16(const char *a, const char *b)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

SEC("syscall")
int string_init(struct args *ctx)
{
	char word[16], greeting[16];
	char ref[16] = "bpf";
	char hello[] = "hello, ";
	u32 len = 0;
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(word, ctx->word, sizeof(word));
	word[15] = 0;
	for (i = 0; i < 16; i++) {
		if (!word[i])
			break;
		len++;
	}
	ctx->len = len;
	ctx->cmp = cmp16(word, ref);
	for (i = 0; i < 16; i++)
		greeting[i] = i < (int)sizeof(hello) - 1 ? hello[i] : (i - 7 < (int)len ? word[i - 7] : 0);
	__builtin_memcpy(ctx->greeting, greeting, sizeof(greeting));
	return sizeof(hello) * 100 + sizeof("abc");
}

char _license[] SEC("license") = "GPL";
