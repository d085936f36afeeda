/* BPF-to-BPF calls: global __noinline subprograms the verifier checks on
 * their own, static subprograms, __always_inline, tail calls. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ctr { int hits; int last; };

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp SEC(".maps");

struct ctr counters;
volatile int input = 4;

static __always_inline int twice(int x) { return x * 2; }

static __attribute__((noinline)) int add_static(int a, int b)
{
	counters.hits++;
	return a + b;
}

__attribute__((noinline)) int record(struct ctr *c, int v)
{
	if (!c)
		return -1;
	c->last = v;
	return v + 1;
}

__attribute__((noinline)) long scale(long v, unsigned int by)
{
	return v * by;
}

SEC("syscall")
int entry(void *ctx)
{
	int v = add_static(input, twice(input));
	v = record(&counters, v);
	v += (int)scale(v, 3);
	return v;
}

SEC("tc")
int tail_entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 0);
	return record(&counters, skb->len);
}

char LICENSE[] SEC("license") = "GPL";
