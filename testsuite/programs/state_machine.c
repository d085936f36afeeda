/* A byte-driven state machine (switch in a loop) parsing decimal numbers separated by commas from the context. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

enum state { START, NUMBER, SEPARATOR, ERROR };

struct args {
	char text[24];
	u32 count;
	u32 sum;
	u32 max;
	s32 state;
};

SEC("syscall")
int state_machine(struct args *ctx)
{
	enum state st = START;
	u32 cur = 0, count = 0, sum = 0, max = 0;
	char text[24];
	int i;

	/* A stack copy: the verifier refuses a moving ctx pointer. */
	__builtin_memcpy(text, ctx->text, sizeof(text));
	for (i = 0; i < 24; i++) {
		char c = text[i];

		if (c == 0)
			break;
		switch (st) {
		case START:
		case SEPARATOR:
			if (c >= '0' && c <= '9') {
				cur = c - '0';
				st = NUMBER;
			} else if (c != ' ') {
				st = ERROR;
			}
			break;
		case NUMBER:
			if (c >= '0' && c <= '9') {
				cur = cur * 10 + (c - '0');
			} else if (c == ',') {
				count++;
				sum += cur;
				max = cur > max ? cur : max;
				st = SEPARATOR;
			} else {
				st = ERROR;
			}
			break;
		case ERROR:
			break;
		}
		if (st == ERROR)
			break;
	}
	if (st == NUMBER) {
		count++;
		sum += cur;
		max = cur > max ? cur : max;
	}
	ctx->count = count;
	ctx->sum = sum;
	ctx->max = max;
	ctx->state = st;
	return st == ERROR ? -1 : (int)count;
}

char _license[] SEC("license") = "GPL";
