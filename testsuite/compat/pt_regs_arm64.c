/*
 * bpf_tracing.h for arm64: BPF_KPROBE arguments and the PT_REGS_* accessors read
 * the user_pt_regs layout (regs[31], sp, pc, pstate) followed by orig_x0.
 * Run as a syscall program whose context is such an image, slot i holding
 * 100 + i; each correct register sets one bit of the result.
 */
#define __TARGET_ARCH_arm64
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(pt_regs_arm64, long a, long b, long c, long d)
{
	return (a == 100) << 0 |
	       (b == 101) << 1 |
	       (c == 102) << 2 |
	       (d == 103) << 3 |
	       (PT_REGS_PARM5(ctx) == 104) << 4 |
	       (PT_REGS_PARM8(ctx) == 107) << 5 |
	       (PT_REGS_RET(ctx) == 130) << 6 |
	       (PT_REGS_FP(ctx) == 129) << 7 |
	       (PT_REGS_RC(ctx) == 100) << 8 |
	       (PT_REGS_SP(ctx) == 131) << 9 |
	       (PT_REGS_IP(ctx) == 132) << 10 |
	       (PT_REGS_PARM1_SYSCALL(ctx) == 134) << 11;
}

char _license[] SEC("license") = "GPL";
