/* Weak kfuncs and bpf_ksym_exists(): the address of an extern function is an
 * ld_imm64 against its weak undefined symbol, which libbpf resolves to the
 * kernel's BTF id or, for a kfunc the kernel lacks, to 0. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Older libbpf headers (clang's /usr/include) lack the macro. */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(sym))
#endif

extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;
extern int bpfcc_no_such_kfunc(int x) __ksym __weak;

SEC("syscall")
int run(void *ctx)
{
	int r = 0;
	if (bpf_ksym_exists(bpf_rcu_read_lock)) {
		bpf_rcu_read_lock();
		r += 1;
		bpf_rcu_read_unlock();
	}
	/* The call is dead code once libbpf resolves the address to 0. */
	if (bpf_ksym_exists(bpfcc_no_such_kfunc))
		r += bpfcc_no_such_kfunc(2) + 10;
	else
		r += 100;
	r += bpf_ksym_exists(bpf_rcu_read_unlock) * 1000;
	return r;
}

char LICENSE[] SEC("license") = "GPL";
