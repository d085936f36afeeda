/* Pointers to pointers on the stack: choosing an array through a pointer table, swapping pointers, writing through double indirection. */
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
	u32 sel;
	u32 a[3], b[3];
	u32 out[3];
};

/* Inlined: the verifier refuses a callee storing stack pointers into its caller's frame. */
static __attribute__((always_inline)) inline void swap_ptrs(u32 **x, u32 **y)
{
	u32 *t = *x;

	*x = *y;
	*y = t;
}

SEC("syscall")
int ptr_to_ptr(struct args *ctx)
{
	u32 a[3], b[3], out[3];
	u32 *tab[2] = { a, b };
	u32 *p = a, *q = b;
	u32 **pp = &p;
	u32 *second;
	int i;

	__builtin_memcpy(a, ctx->a, sizeof(a));
	__builtin_memcpy(b, ctx->b, sizeof(b));
	if (ctx->sel & 1)
		swap_ptrs(&p, &q);
	**pp += 1000;
	(*pp)[2] = 7;
	/* Constant table indices: a stack slot read at a variable offset loses its pointer type. */
	second = tab[0];
	if (ctx->sel & 2)
		second = tab[1];
	for (i = 0; i < 3; i++)
		out[i] = p[i] * 10 + second[i];
	__builtin_memcpy(ctx->out, out, sizeof(out));
	return *q;
}

char _license[] SEC("license") = "GPL";
