/* Switch with fallthrough between cases, default in the middle, and a switch inside a loop. */
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
	s32 sel;
	u32 acc;
};

SEC("syscall")
int switch_fallthrough(struct args *ctx)
{
	u32 acc = 0;
	int i;

	switch (ctx->sel) {
	case 5:
		acc += 1;
		/* fall through */
	case 4:
		acc += 10;
		/* fall through */
	default:
		acc += 100;
		/* fall through */
	case 1:
		acc += 1000;
		break;
	case -3:
		acc = 7;
	}
	for (i = 0; i < 8; i++) {
		switch ((ctx->sel + i) & 3) {
		case 0:
			acc += 3;
			continue;
		case 1:
			acc *= 2;
			/* fall through */
		case 2:
			acc ^= 0x55;
			break;
		default:
			break;
		}
		acc += i;
	}
	ctx->acc = acc;
	return acc;
}

char _license[] SEC("license") = "GPL";
