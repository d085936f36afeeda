/* Long if/else-if chains with compound conditions over several inputs. */
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
	s32 temp;
	u32 humidity;
	u32 wind;
	u32 pad;
};

static __attribute__((noinline)) int grade(s32 temp, u32 humidity, u32 wind)
{
	if (temp < -20)
		return 1;
	else if (temp < 0 && wind > 30)
		return 2;
	else if (temp < 0)
		return 3;
	else if (temp < 15 && humidity > 80)
		return 4;
	else if (temp < 15)
		return 5;
	else if (temp < 25 && (wind < 10 || humidity < 40))
		return 6;
	else if (temp < 25)
		return 7;
	else if (humidity > 70 && !(wind > 20))
		return 8;
	else
		return 9;
}

SEC("syscall")
int if_else_chain(struct args *ctx)
{
	int g = grade(ctx->temp, ctx->humidity, ctx->wind);

	if (g == 8) {
		if (ctx->temp > 35)
			g = 80;
	} else if (g == 1) {
		g = ctx->temp < -40 ? 10 : g;
	}
	return g;
}

char _license[] SEC("license") = "GPL";
