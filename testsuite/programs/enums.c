/* Enumerations: implicit and explicit values, negative and large enumerators, enums in switch and arithmetic. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

enum color { RED, GREEN, BLUE, ALPHA = 10, BETA, GAMMA = -3, DELTA };
enum big { BIG_LOW = 1, BIG_HIGH = 0x7fffffff };
enum flags { F_READ = 1 << 0, F_WRITE = 1 << 1, F_EXEC = 1 << 2, F_ALL = F_READ | F_WRITE | F_EXEC };

struct args {
	s32 c;
	u32 f;
};

static __attribute__((noinline)) int color_weight(enum color c)
{
	switch (c) {
	case RED: return 100;
	case GREEN: return 200;
	case BLUE: return 300;
	case ALPHA: return 400;
	case BETA: return 500;
	case GAMMA: return 600;
	case DELTA: return 700;
	}
	return -1;
}

SEC("syscall")
int enums(struct args *ctx)
{
	enum flags f = (enum flags)(ctx->f & F_ALL);
	int r = color_weight((enum color)ctx->c);

	r += (f & F_WRITE) ? 10 : 0;
	r += f == F_ALL;
	r += (BIG_HIGH > 0) * 2 + sizeof(enum color) * 1000 + DELTA * 10000;
	return r;
}

char _license[] SEC("license") = "GPL";
