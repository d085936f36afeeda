/* btf_decl_tag on every declaration clang tags: records, members, typedefs,
 * function parameters (component index), functions and variables. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag(x) __attribute__((btf_decl_tag(x)))

struct __tag("record") __tag("record_too") point {
	int x __tag("member");
	int y;
};

union __tag("variant") number {
	int i;
	long l;
};

typedef int __tag("typedef") score_t;

struct point origin __tag("variable") = { 3, 4 };
union number total;

static __attribute__((noinline)) int weigh(struct point *p __tag("param0"), int k,
					   score_t s __tag("param2") __tag("param2_too"))
{
	return p->x * k + p->y + s;
}

/* Tagged twice: the definition's parameter tags are the ones kept. */
__attribute__((noinline)) int accumulate(union number *n __tag("declared"));

__attribute__((noinline)) __tag("function") int accumulate(union number *n __tag("defined"))
{
	if (!n)
		return 0;
	n->l += 10;
	return (int)n->l;
}

SEC("syscall")
int entry(void *ctx)
{
	score_t s = weigh(&origin, 2, 5);
	return s + accumulate(&total);
}

char _license[] SEC("license") = "GPL";
