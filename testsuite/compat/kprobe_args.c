/*
 * BPF_KPROBE and PT_REGS_* for x86-64 (UAPI struct pt_regs from
 * <asm/ptrace.h>), run as a syscall program whose context is a pt_regs image
 * (kprobes cannot be test-run).
 */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(kprobe_args, long a, long b, long c, long d)
{
	/* Four arguments and ctx: the inner function stays within BPF's five argument registers. */
	return a + b * 10 + c * 100 + d * 1000 + PT_REGS_PARM5(ctx) * 10000 +
	       (PT_REGS_IP(ctx) == 0x1234) * 100000;
}

SEC("syscall")
int BPF_KRETPROBE(kretprobe_rc, long ret)
{
	return ret * 2 + (PT_REGS_SP(ctx) == 0x8000);
}

char _license[] SEC("license") = "GPL";
