/* A sparse switch on 64-bit values (a compare chain or binary search), some cases sharing a body. */
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
	u64 key;
};

SEC("syscall")
int switch_sparse(struct args *ctx)
{
	switch (ctx->key) {
	case 1:
		return 10;
	case 1000:
	case 1001:
		return 20;
	case 65536:
		return 30;
	case 0x7fffffff:
		return 40;
	case 0x100000000ull:
		return 50;
	case 0xdeadbeefcafeull:
		return 60;
	case 0xffffffffffffffffull:
		return 70;
	case 12345:
		return 80;
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
