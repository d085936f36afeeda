/* `#pragma clang attribute push/pop` gives the records defined between them
 * `preserve_access_index`, as vmlinux.h's types get it; records outside get
 * nothing. Thousands of tokens before and inside the region put its ends
 * far into the token stream (bpfcc reads it in pieces). Not loaded: the
 * records are no kernel types. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

#define PAD1(n) typedef int pad_##n##_a; typedef int pad_##n##_b;
#define PAD10(n) PAD1(n##0) PAD1(n##1) PAD1(n##2) PAD1(n##3) PAD1(n##4) \
	PAD1(n##5) PAD1(n##6) PAD1(n##7) PAD1(n##8) PAD1(n##9)
#define PAD100(n) PAD10(n##0) PAD10(n##1) PAD10(n##2) PAD10(n##3) PAD10(n##4) \
	PAD10(n##5) PAD10(n##6) PAD10(n##7) PAD10(n##8) PAD10(n##9)
#define PAD1000(n) PAD100(n##0) PAD100(n##1) PAD100(n##2) PAD100(n##3) PAD100(n##4) \
	PAD100(n##5) PAD100(n##6) PAD100(n##7) PAD100(n##8) PAD100(n##9)

/* About 8000 tokens each. */
PAD1000(1) PAD1000(2)

struct before { int x; int y; };

#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)
struct first { int a; int b; };
PAD1000(3) PAD1000(4)
struct last { long c; struct first f; union { int u; char v; }; };
#pragma clang attribute pop

struct after { int p; int q; };

SEC("syscall")
int read_fields(void *ctx)
{
	struct last *l = ctx;
	struct before *b = ctx;
	struct after *a = ctx;

	return l->f.b + l->v + b->y + a->q + ((struct first *)ctx)->a;
}

char _license[] SEC("license") = "GPL";
