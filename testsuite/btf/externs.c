#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define __tag1 __attribute__((btf_type_tag("tag1")))
#define __tag2 __attribute__((btf_type_tag("tag2")))
#define __dtag __attribute__((btf_decl_tag("dtag")))

extern int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern const int bpf_missing_var __ksym __weak;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

enum color { RED, GREEN = 5 };
enum sgn { NEG = -1, POS = 1 };
enum big { HUGE = 0x100000000ULL };

struct rec { int a; unsigned b : 3, c : 5; enum color col; enum sgn s; enum big bg; _Bool flag; signed char sc; unsigned long ul; };

struct rec recs[2] __dtag;
int __tag1 __tag2 *tagged_ptr;
volatile __u64 seen;

static __attribute__((noinline)) int helper_static(int x) { return x * 3 + 1; }
__attribute__((noinline)) int global_sub(int y, struct rec *r) __dtag { if (!r) return 0; return y + r->a; }

SEC("syscall")
int run(void *ctx)
{
	int r = 0;
	seen = LINUX_KERNEL_VERSION + CONFIG_HZ;
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	if (&bpf_missing_var)
		r += 100;
	recs[0].a = helper_static(recs[1].a);
	r += global_sub(5, &recs[0]);
	return r;
}
char LICENSE[] SEC("license") = "GPL";
