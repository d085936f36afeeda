/* syscall program: helpers with run-dependent results, reduced to deterministic facts (time is monotonic, the CPU id is small, random numbers vary). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("syscall")
int helpers_nondeterministic(void *ctx)
{
	__u64 t1 = bpf_ktime_get_ns();
	__u64 t2 = bpf_ktime_get_ns();
	__u64 b = bpf_ktime_get_boot_ns();
	__u32 cpu = bpf_get_smp_processor_id();
	__u32 r1 = bpf_get_prandom_u32(), r2 = bpf_get_prandom_u32(), r3 = bpf_get_prandom_u32();

	return (t2 >= t1) + (b >= t1) * 2 + (cpu < 4096) * 4 + (r1 != r2 || r2 != r3) * 8;
}

char _license[] SEC("license") = "GPL";
