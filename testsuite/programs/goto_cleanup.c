/* goto for error paths and cleanup, jumping forward over code and into shared exit blocks. */
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
	u32 stage_fail;
	u32 trace;
};

SEC("syscall")
int goto_cleanup(struct args *ctx)
{
	u32 trace = 0;
	int err = 0;

	trace = trace * 10 + 1;
	if (ctx->stage_fail == 1) {
		err = -1;
		goto out;
	}
	trace = trace * 10 + 2;
	if (ctx->stage_fail == 2) {
		err = -2;
		goto undo_first;
	}
	trace = trace * 10 + 3;
	if (ctx->stage_fail == 3) {
		err = -3;
		goto undo_second;
	}
	trace = trace * 10 + 4;
	goto out;

undo_second:
	trace = trace * 10 + 7;
undo_first:
	trace = trace * 10 + 8;
out:
	ctx->trace = trace;
	return err;
}

char _license[] SEC("license") = "GPL";
