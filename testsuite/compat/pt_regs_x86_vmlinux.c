/*
 * bpf_tracing.h for x86: BPF_KPROBE arguments and the PT_REGS_* accessors read
 * the kernel's struct pt_regs from vmlinux.h (kernel field names: di, si, ...; r15 first, ss last).
 * Run as a syscall program whose context is such an image, slot i holding
 * 100 + i; each correct register sets one bit of the result.
 */
#define __TARGET_ARCH_x86
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(pt_regs_x86_vmlinux, long a, long b, long c, long d)
{
	return (a == 114) << 0 |
	       (b == 113) << 1 |
	       (c == 112) << 2 |
	       (d == 111) << 3 |
	       (PT_REGS_PARM5(ctx) == 109) << 4 |
	       (PT_REGS_PARM6(ctx) == 108) << 5 |
	       (PT_REGS_RET(ctx) == 119) << 6 |
	       (PT_REGS_FP(ctx) == 104) << 7 |
	       (PT_REGS_RC(ctx) == 110) << 8 |
	       (PT_REGS_SP(ctx) == 119) << 9 |
	       (PT_REGS_IP(ctx) == 116) << 10 |
	       (PT_REGS_PARM4_SYSCALL(ctx) == 107) << 11;
}

char _license[] SEC("license") = "GPL";
