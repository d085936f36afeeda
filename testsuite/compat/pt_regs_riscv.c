/*
 * bpf_tracing.h for riscv: BPF_KPROBE arguments and the PT_REGS_* accessors read
 * the kernel pt_regs (pc, ra, sp, gp, tp, t0-t2, s0, s1, a0-a7, s2-s11, t3-t6, status, badaddr, cause, orig_a0).
 * Run as a syscall program whose context is such an image, slot i holding
 * 100 + i; each correct register sets one bit of the result.
 */
#define __TARGET_ARCH_riscv
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(pt_regs_riscv, long a, long b, long c, long d)
{
	return (a == 110) << 0 |
	       (b == 111) << 1 |
	       (c == 112) << 2 |
	       (d == 113) << 3 |
	       (PT_REGS_PARM5(ctx) == 114) << 4 |
	       (PT_REGS_PARM8(ctx) == 117) << 5 |
	       (PT_REGS_RET(ctx) == 101) << 6 |
	       (PT_REGS_FP(ctx) == 108) << 7 |
	       (PT_REGS_RC(ctx) == 110) << 8 |
	       (PT_REGS_SP(ctx) == 102) << 9 |
	       (PT_REGS_IP(ctx) == 100) << 10 |
	       (PT_REGS_PARM1_SYSCALL(ctx) == 135) << 11;
}

char _license[] SEC("license") = "GPL";
