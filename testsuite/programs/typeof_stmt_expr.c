/* typeof and GNU statement expressions: type-generic min/max/swap macros evaluated once. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#define max(a, b) ({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define swap(a, b) do { typeof(a) _t = (a); (a) = (b); (b) = _t; } while (0)

struct args {
	s32 a, b;
	u64 c, d;
	u32 evaluations;
	s32 res;
};

SEC("syscall")
int typeof_stmt_expr(struct args *ctx)
{
	s32 a = ctx->a, b = ctx->b;
	u64 c = ctx->c, d = ctx->d;
	u32 n = 0;
	typeof(a + 0ll) wide;
	s32 clamped = ({
		s32 v = a;
		if (v > 100)
			v = 100;
		v;
	});

	swap(a, b);
	swap(c, d);
	wide = max(a, b) * 1000ll + min(a, b);
	/* Each argument is evaluated once: n++ happens twice in total. */
	(void)max(n++, n++);
	ctx->evaluations = n;
	ctx->c = c;
	ctx->d = d;
	ctx->res = clamped;
	return (int)(wide + sizeof(wide) + max(c, d));
}

char _license[] SEC("license") = "GPL";
