/* Inline asm beyond one output: `asm goto` with C labels (the selftests'
 * bpf_cmp_likely/unlikely and can_loop, after bpf_experimental.h), several
 * outputs, "+r" with "=r", and "ri" operands that become immediates. */
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef _Bool bool;

#define SEC(name) __attribute__((section(name), used))

struct args {
	s32 a, b;
	u32 n;
	u32 out[4];
};

/* The selftests' __bpf_cmp: branch in asm, the C code sees only the label. */
#define cmp_asm(LHS, OP, PRED, RHS, DEFAULT)                                   \
	({                                                                     \
		__label__ l_true;                                              \
		bool ret = DEFAULT;                                            \
		asm volatile goto("if %[lhs] " OP " %[rhs] goto %l[l_true]"    \
				  :: [lhs] "r"((short)LHS), [rhs] PRED (RHS)   \
				  :: l_true);                                  \
		ret = !DEFAULT;                                                \
	l_true:                                                                \
		ret;                                                           \
	})

#define can_loop                                                               \
	({                                                                     \
		__label__ l_break, l_continue;                                 \
		bool ret = 1;                                                  \
		asm volatile goto("may_goto %l[l_break]" :::: l_break);        \
		goto l_continue;                                               \
	l_break:                                                               \
		ret = 0;                                                       \
	l_continue:;                                                           \
		ret;                                                           \
	})

SEC("syscall")
int compare(struct args *c)
{
	int r = 0;
	if (cmp_asm(c->a, "s<", "ri", 7, 1))
		r |= 1;
	if (cmp_asm(c->a, "s<", "r", c->b, 0))
		r |= 2;
	if (cmp_asm(c->a, "==", "ri", c->b, 1))
		r |= 4;
	/* Two labels, by name and by number (after the operands, as gcc counts). */
	asm goto("if %[x] > 100 goto %l[big]; if %[x] > 10 goto %l2"
		 :: [x] "r"(c->n) :: big, medium);
	c->out[0] = 1;
	return r;
big:
	c->out[0] = 3;
	return r;
medium:
	c->out[0] = 2;
	return r;
}

SEC("syscall")
int bounded(struct args *c)
{
	u32 i = 0, sum = 0;
	while (i < c->n && can_loop) {
		sum += i;
		i++;
	}
	c->out[0] = sum;
	c->out[1] = i;
	return 0;
}

SEC("syscall")
int outputs(struct args *c)
{
	u64 lo = c->a, hi, both;
	u32 w;
	/* "+r" and three "=r" (two early-clobbered: written before the input is read). */
	asm volatile("%[hi] = %[lo]; %[hi] >>= 4; %[lo] &= 15; %[both] = %[lo]; %[both] += %[hi]; %[w] = %[k]"
		     : [lo] "+r"(lo), [hi] "=&r"(hi), [both] "=&r"(both), [w] "=r"(w)
		     : [k] "ri"(c->b > 0 ? 42 : 0));
	c->out[0] = lo;
	c->out[1] = hi;
	c->out[2] = both;
	c->out[3] = w;
	return 0;
}
