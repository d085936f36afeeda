/* __attribute__((cleanup)) on a variable of a for statement's init: its
 * cleanup runs once however the loop is left (condition, break, return),
 * as the selftests' bpf_for_each iterators need (a second destroy is refused). */
typedef unsigned int u32;

#define SEC(name) __attribute__((section(name), used))

struct args {
	u32 limit, stop_at;
	u32 iterations, cleanups;
};

u32 cleanups_seen;

static void count_cleanup(u32 *weight)
{
	cleanups_seen += *weight;
}

static __attribute__((noinline)) int walk(struct args *c)
{
	u32 n = 0;
	for (u32 guard __attribute__((cleanup(count_cleanup))) = 100, i = 0;
	     i < c->limit && i < 16; i++) {
		u32 inner __attribute__((cleanup(count_cleanup))) = 1;
		if (i == c->stop_at)
			break;
		if (i == 10)
			return -1;
		n++;
	}
	return n;
}

SEC("syscall")
int cleanup_for_break(struct args *c)
{
	cleanups_seen = 0;
	c->iterations = walk(c);
	c->cleanups = cleanups_seen;
	return cleanups_seen;
}
