/*
 * bpf_tracing.h for powerpc: BPF_KPROBE arguments and the PT_REGS_* accessors read
 * the powerpc64 pt_regs (gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result).
 * Run as a syscall program whose context is such an image, slot i holding
 * 100 + i; each correct register sets one bit of the result.
 */
#define __TARGET_ARCH_powerpc
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(pt_regs_powerpc, long a, long b, long c, long d)
{
	return (a == 103) << 0 |
	       (b == 104) << 1 |
	       (c == 105) << 2 |
	       (d == 106) << 3 |
	       (PT_REGS_PARM5(ctx) == 107) << 4 |
	       (PT_REGS_PARM8(ctx) == 110) << 5 |
	       (PT_REGS_RET(ctx) == 136) << 6 |
	       (PT_REGS_FP(ctx) == 131) << 7 |
	       (PT_REGS_RC(ctx) == 103) << 8 |
	       (PT_REGS_SP(ctx) == 101) << 9 |
	       (PT_REGS_IP(ctx) == 132) << 10 |
	       (PT_REGS_PARM1_SYSCALL(ctx) == 134) << 11;
}

char _license[] SEC("license") = "GPL";
