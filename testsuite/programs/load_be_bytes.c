/* Assembling big- and little-endian integers from byte arrays with shifts, and storing them back byte by byte. */
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
	u8 bytes[8];
	u64 be, le;
	u8 back[8];
};

SEC("syscall")
int load_be_bytes(struct args *ctx)
{
	u64 be = 0, le = 0;
	u8 bytes[8], back[8];
	int i;

	/* Loops index stack copies: the verifier refuses variable offsets into the context. */
	__builtin_memcpy(bytes, ctx->bytes, sizeof(bytes));
	for (i = 0; i < 8; i++) {
		be = be << 8 | bytes[i];
		le |= (u64)bytes[i] << (8 * i);
	}
	ctx->be = be;
	ctx->le = le;
	for (i = 0; i < 8; i++)
		back[i] = (u8)(be >> (8 * i));
	__builtin_memcpy(ctx->back, back, sizeof(back));
	return (be >> 32) == (u32)(le >> 0) ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
