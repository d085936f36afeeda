/*
 * bpf_tracing.h for s390: BPF_KPROBE arguments and the PT_REGS_* accessors read
 * user_pt_regs (psw mask and address, gprs[16]) followed by orig_gpr2.
 * Run as a syscall program whose context is such an image, slot i holding
 * 100 + i; each correct register sets one bit of the result.
 */
#define __TARGET_ARCH_s390
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("syscall")
int BPF_KPROBE(pt_regs_s390, long a, long b, long c, long d)
{
	return (a == 104) << 0 |
	       (b == 105) << 1 |
	       (c == 106) << 2 |
	       (d == 107) << 3 |
	       (PT_REGS_PARM5(ctx) == 108) << 4 |
	       (PT_REGS_PARM6_SYSCALL(ctx) == 109) << 5 |
	       (PT_REGS_RET(ctx) == 116) << 6 |
	       (PT_REGS_FP(ctx) == 113) << 7 |
	       (PT_REGS_RC(ctx) == 104) << 8 |
	       (PT_REGS_SP(ctx) == 117) << 9 |
	       (PT_REGS_IP(ctx) == 101) << 10 |
	       (PT_REGS_PARM1_SYSCALL(ctx) == 118) << 11;
}

char _license[] SEC("license") = "GPL";
