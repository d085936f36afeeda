/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpf_tracing.h: reading a traced function's arguments, with libbpf's names.
 *
 * PT_REGS_PARM1..8(ctx), PT_REGS_RET/FP/RC/SP/IP(ctx) read registers out of
 * the `struct pt_regs` a kprobe gets, for the architecture named by
 * -D__TARGET_ARCH_<arch> (x86, arm64, s390, riscv, powerpc). Field names are
 * the kernel's when vmlinux.h (or __KERNEL__) is in use, else those of the
 * UAPI <asm/ptrace.h>. The _CORE variants read through
 * bpf_probe_read_kernel, for pointers that are not the program's context;
 * the _SYSCALL variants give a syscall's arguments from the inner pt_regs of
 * a syscall wrapper (see PT_REGS_SYSCALL_REGS).
 *
 * BPF_PROG, BPF_KPROBE, BPF_KRETPROBE, BPF_UPROBE, BPF_URETPROBE and
 * BPF_KSYSCALL define a program whose C arguments are the traced function's.
 */
#ifndef __BPF_TRACING_H__
#define __BPF_TRACING_H__

#include "bpf_helpers.h"

#if defined(__TARGET_ARCH_x86)
#define bpf_target_x86
#define bpf_target_defined
#elif defined(__TARGET_ARCH_arm64)
#define bpf_target_arm64
#define bpf_target_defined
#elif defined(__TARGET_ARCH_s390)
#define bpf_target_s390
#define bpf_target_defined
#elif defined(__TARGET_ARCH_riscv)
#define bpf_target_riscv
#define bpf_target_defined
#elif defined(__TARGET_ARCH_powerpc)
#define bpf_target_powerpc
#define bpf_target_defined
#endif

#if defined(__KERNEL__) || defined(__VMLINUX_H__)
#define __BPF_KERNEL_PT_REGS 1
#endif

#if defined(bpf_target_x86)

#ifdef __BPF_KERNEL_PT_REGS
#define __PT_PARM1_REG di
#define __PT_PARM2_REG si
#define __PT_PARM3_REG dx
#define __PT_PARM4_REG cx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_PARM4_SYSCALL_REG r10
#define __PT_RET_REG sp
#define __PT_FP_REG bp
#define __PT_RC_REG ax
#define __PT_SP_REG sp
#define __PT_IP_REG ip
#else
#define __PT_PARM1_REG rdi
#define __PT_PARM2_REG rsi
#define __PT_PARM3_REG rdx
#define __PT_PARM4_REG rcx
#define __PT_PARM5_REG r8
#define __PT_PARM6_REG r9
#define __PT_PARM4_SYSCALL_REG r10
#define __PT_RET_REG rsp
#define __PT_FP_REG rbp
#define __PT_RC_REG rax
#define __PT_SP_REG rsp
#define __PT_IP_REG rip
#endif
/* x86-64 syscalls pass the 4th argument in r10 (rcx is clobbered by `syscall`). */
#define __PT_PARM1_SYSCALL_REG __PT_PARM1_REG
#define __PT_PARM2_SYSCALL_REG __PT_PARM2_REG
#define __PT_PARM3_SYSCALL_REG __PT_PARM3_REG
#define __PT_PARM5_SYSCALL_REG __PT_PARM5_REG
#define __PT_PARM6_SYSCALL_REG __PT_PARM6_REG

#elif defined(bpf_target_arm64)

/* The kernel's pt_regs starts with user_pt_regs; orig_x0 follows it. */
struct __bpf_arm64_pt_regs {
	unsigned long regs[31], sp, pc, pstate;
	unsigned long orig_x0;
};
#define __PT_REGS_CAST(x) ((const struct __bpf_arm64_pt_regs *)(x))
#define __PT_PARM1_REG regs[0]
#define __PT_PARM2_REG regs[1]
#define __PT_PARM3_REG regs[2]
#define __PT_PARM4_REG regs[3]
#define __PT_PARM5_REG regs[4]
#define __PT_PARM6_REG regs[5]
#define __PT_PARM7_REG regs[6]
#define __PT_PARM8_REG regs[7]
/* x0 is overwritten by the return value: the syscall's first argument is kept in orig_x0. */
#define __PT_PARM1_SYSCALL_REG orig_x0
#define __PT_PARM2_SYSCALL_REG __PT_PARM2_REG
#define __PT_PARM3_SYSCALL_REG __PT_PARM3_REG
#define __PT_PARM4_SYSCALL_REG __PT_PARM4_REG
#define __PT_PARM5_SYSCALL_REG __PT_PARM5_REG
#define __PT_PARM6_SYSCALL_REG __PT_PARM6_REG
#define __PT_RET_REG regs[30]
#define __PT_FP_REG regs[29]
#define __PT_RC_REG regs[0]
#define __PT_SP_REG sp
#define __PT_IP_REG pc

#elif defined(bpf_target_s390)

/* user_pt_regs: psw, gprs[16], then orig_gpr2 (the first syscall argument). */
struct __bpf_s390_pt_regs {
	struct {
		unsigned long mask, addr;
	} psw;
	unsigned long gprs[16];
	unsigned long orig_gpr2;
};
#define __PT_REGS_CAST(x) ((const struct __bpf_s390_pt_regs *)(x))
#define __PT_PARM1_REG gprs[2]
#define __PT_PARM2_REG gprs[3]
#define __PT_PARM3_REG gprs[4]
#define __PT_PARM4_REG gprs[5]
#define __PT_PARM5_REG gprs[6]
#define __PT_PARM1_SYSCALL_REG orig_gpr2
#define __PT_PARM2_SYSCALL_REG __PT_PARM2_REG
#define __PT_PARM3_SYSCALL_REG __PT_PARM3_REG
#define __PT_PARM4_SYSCALL_REG __PT_PARM4_REG
#define __PT_PARM5_SYSCALL_REG __PT_PARM5_REG
#define __PT_PARM6_SYSCALL_REG gprs[7]
#define __PT_RET_REG gprs[14]
#define __PT_FP_REG gprs[11]
#define __PT_RC_REG gprs[2]
#define __PT_SP_REG gprs[15]
#define __PT_IP_REG psw.addr

#elif defined(bpf_target_riscv)

/* The kernel's pt_regs: user_regs_struct (pc, ra, sp, ... t6), status, badaddr, cause, orig_a0. */
struct __bpf_riscv_pt_regs {
	unsigned long pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
	unsigned long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
	unsigned long status, badaddr, cause, orig_a0;
};
#define __PT_REGS_CAST(x) ((const struct __bpf_riscv_pt_regs *)(x))
#define __PT_PARM1_REG a0
#define __PT_PARM2_REG a1
#define __PT_PARM3_REG a2
#define __PT_PARM4_REG a3
#define __PT_PARM5_REG a4
#define __PT_PARM6_REG a5
#define __PT_PARM7_REG a6
#define __PT_PARM8_REG a7
#define __PT_PARM1_SYSCALL_REG orig_a0
#define __PT_PARM2_SYSCALL_REG __PT_PARM2_REG
#define __PT_PARM3_SYSCALL_REG __PT_PARM3_REG
#define __PT_PARM4_SYSCALL_REG __PT_PARM4_REG
#define __PT_PARM5_SYSCALL_REG __PT_PARM5_REG
#define __PT_PARM6_SYSCALL_REG __PT_PARM6_REG
#define __PT_RET_REG ra
#define __PT_FP_REG s0
#define __PT_RC_REG a0
#define __PT_SP_REG sp
#define __PT_IP_REG pc

#elif defined(bpf_target_powerpc)

/* struct pt_regs as <asm/ptrace.h> has it for powerpc64. */
struct __bpf_powerpc_pt_regs {
	unsigned long gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe;
	unsigned long trap, dar, dsisr, result;
};
#define __PT_REGS_CAST(x) ((const struct __bpf_powerpc_pt_regs *)(x))
#define __PT_PARM1_REG gpr[3]
#define __PT_PARM2_REG gpr[4]
#define __PT_PARM3_REG gpr[5]
#define __PT_PARM4_REG gpr[6]
#define __PT_PARM5_REG gpr[7]
#define __PT_PARM6_REG gpr[8]
#define __PT_PARM7_REG gpr[9]
#define __PT_PARM8_REG gpr[10]
/* powerpc syscalls get their own pt_regs, not a wrapper's. */
#define PT_REGS_SYSCALL_REGS(ctx) ctx
#define __PT_PARM1_SYSCALL_REG orig_gpr3
#define __PT_PARM2_SYSCALL_REG __PT_PARM2_REG
#define __PT_PARM3_SYSCALL_REG __PT_PARM3_REG
#define __PT_PARM4_SYSCALL_REG __PT_PARM4_REG
#define __PT_PARM5_SYSCALL_REG __PT_PARM5_REG
#define __PT_PARM6_SYSCALL_REG __PT_PARM6_REG
/* At function entry the link register holds the return address. */
#define __PT_RET_REG link
#define __PT_FP_REG gpr[31]
#define __PT_RC_REG gpr[3]
#define __PT_SP_REG gpr[1]
#define __PT_IP_REG nip

#endif

#if defined(bpf_target_defined)

struct pt_regs;

#ifndef __PT_REGS_CAST
#define __PT_REGS_CAST(x) (x)
#endif

/* A register that this architecture does not pass arguments in. */
#define __bpf_no_reg(x) ({ _Static_assert(0, "this architecture has no such argument register"); 0l; })

/* Reads a field through bpf_probe_read_kernel (for pt_regs that are not ctx). */
#define __bpf_pt_regs_read(x, field)                                               \
	({                                                                         \
		__typeof__(__PT_REGS_CAST(x)->field) ___val = 0;                    \
		bpf_probe_read_kernel(&___val, sizeof(___val), &__PT_REGS_CAST(x)->field); \
		___val;                                                            \
	})

#define PT_REGS_PARM1(x) (__PT_REGS_CAST(x)->__PT_PARM1_REG)
#define PT_REGS_PARM2(x) (__PT_REGS_CAST(x)->__PT_PARM2_REG)
#define PT_REGS_PARM3(x) (__PT_REGS_CAST(x)->__PT_PARM3_REG)
#define PT_REGS_PARM4(x) (__PT_REGS_CAST(x)->__PT_PARM4_REG)
#define PT_REGS_PARM5(x) (__PT_REGS_CAST(x)->__PT_PARM5_REG)
#ifdef __PT_PARM6_REG
#define PT_REGS_PARM6(x) (__PT_REGS_CAST(x)->__PT_PARM6_REG)
#define PT_REGS_PARM6_CORE(x) __bpf_pt_regs_read(x, __PT_PARM6_REG)
#else
#define PT_REGS_PARM6(x) __bpf_no_reg(x)
#define PT_REGS_PARM6_CORE(x) __bpf_no_reg(x)
#endif
#ifdef __PT_PARM7_REG
#define PT_REGS_PARM7(x) (__PT_REGS_CAST(x)->__PT_PARM7_REG)
#define PT_REGS_PARM8(x) (__PT_REGS_CAST(x)->__PT_PARM8_REG)
#define PT_REGS_PARM7_CORE(x) __bpf_pt_regs_read(x, __PT_PARM7_REG)
#define PT_REGS_PARM8_CORE(x) __bpf_pt_regs_read(x, __PT_PARM8_REG)
#else
#define PT_REGS_PARM7(x) __bpf_no_reg(x)
#define PT_REGS_PARM8(x) __bpf_no_reg(x)
#define PT_REGS_PARM7_CORE(x) __bpf_no_reg(x)
#define PT_REGS_PARM8_CORE(x) __bpf_no_reg(x)
#endif
#define PT_REGS_RET(x) (__PT_REGS_CAST(x)->__PT_RET_REG)
#define PT_REGS_FP(x) (__PT_REGS_CAST(x)->__PT_FP_REG)
#define PT_REGS_RC(x) (__PT_REGS_CAST(x)->__PT_RC_REG)
#define PT_REGS_SP(x) (__PT_REGS_CAST(x)->__PT_SP_REG)
#define PT_REGS_IP(x) (__PT_REGS_CAST(x)->__PT_IP_REG)

#define PT_REGS_PARM1_CORE(x) __bpf_pt_regs_read(x, __PT_PARM1_REG)
#define PT_REGS_PARM2_CORE(x) __bpf_pt_regs_read(x, __PT_PARM2_REG)
#define PT_REGS_PARM3_CORE(x) __bpf_pt_regs_read(x, __PT_PARM3_REG)
#define PT_REGS_PARM4_CORE(x) __bpf_pt_regs_read(x, __PT_PARM4_REG)
#define PT_REGS_PARM5_CORE(x) __bpf_pt_regs_read(x, __PT_PARM5_REG)
#define PT_REGS_RET_CORE(x) __bpf_pt_regs_read(x, __PT_RET_REG)
#define PT_REGS_FP_CORE(x) __bpf_pt_regs_read(x, __PT_FP_REG)
#define PT_REGS_RC_CORE(x) __bpf_pt_regs_read(x, __PT_RC_REG)
#define PT_REGS_SP_CORE(x) __bpf_pt_regs_read(x, __PT_SP_REG)
#define PT_REGS_IP_CORE(x) __bpf_pt_regs_read(x, __PT_IP_REG)

/*
 * The return address of the probed function, at its entry: on x86 it is at
 * the top of the stack; elsewhere it is in a register (lr, r14, ra, link).
 */
#if defined(bpf_target_x86)
#define BPF_KPROBE_READ_RET_IP(ip, ctx) \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)PT_REGS_RET(ctx)); })
#else
#define BPF_KPROBE_READ_RET_IP(ip, ctx) ({ (ip) = PT_REGS_RET(ctx); })
#endif
#define BPF_KRETPROBE_READ_RET_IP(ip, ctx) \
	({ bpf_probe_read_kernel(&(ip), sizeof(ip), (void *)(PT_REGS_FP(ctx) + sizeof(ip))); })

#define PT_REGS_PARM1_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM1_SYSCALL_REG)
#define PT_REGS_PARM2_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM2_SYSCALL_REG)
#define PT_REGS_PARM3_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM3_SYSCALL_REG)
#define PT_REGS_PARM4_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM4_SYSCALL_REG)
#define PT_REGS_PARM5_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM5_SYSCALL_REG)
#define PT_REGS_PARM6_SYSCALL(x) (__PT_REGS_CAST(x)->__PT_PARM6_SYSCALL_REG)
#define PT_REGS_PARM1_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM1_SYSCALL_REG)
#define PT_REGS_PARM2_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM2_SYSCALL_REG)
#define PT_REGS_PARM3_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM3_SYSCALL_REG)
#define PT_REGS_PARM4_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM4_SYSCALL_REG)
#define PT_REGS_PARM5_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM5_SYSCALL_REG)
#define PT_REGS_PARM6_CORE_SYSCALL(x) __bpf_pt_regs_read(x, __PT_PARM6_SYSCALL_REG)

/* The pt_regs of the syscall itself, which a syscall wrapper gets as its argument. */
#ifndef PT_REGS_SYSCALL_REGS
#define PT_REGS_SYSCALL_REGS(ctx) ((struct pt_regs *)PT_REGS_PARM1(ctx))
#endif

#else /* !bpf_target_defined */

/* Using these without -D__TARGET_ARCH_<arch> is an error that names the fix. */
#define __bpf_no_target() ({ _Static_assert(0, "define __TARGET_ARCH_<arch> (x86, arm64, s390, riscv, powerpc) to use PT_REGS_*"); 0l; })
#define PT_REGS_PARM1(x) __bpf_no_target()
#define PT_REGS_PARM2(x) __bpf_no_target()
#define PT_REGS_PARM3(x) __bpf_no_target()
#define PT_REGS_PARM4(x) __bpf_no_target()
#define PT_REGS_PARM5(x) __bpf_no_target()
#define PT_REGS_PARM6(x) __bpf_no_target()
#define PT_REGS_PARM7(x) __bpf_no_target()
#define PT_REGS_PARM8(x) __bpf_no_target()
#define PT_REGS_RET(x) __bpf_no_target()
#define PT_REGS_FP(x) __bpf_no_target()
#define PT_REGS_RC(x) __bpf_no_target()
#define PT_REGS_SP(x) __bpf_no_target()
#define PT_REGS_IP(x) __bpf_no_target()
#define PT_REGS_PARM1_CORE(x) __bpf_no_target()
#define PT_REGS_PARM2_CORE(x) __bpf_no_target()
#define PT_REGS_PARM3_CORE(x) __bpf_no_target()
#define PT_REGS_PARM4_CORE(x) __bpf_no_target()
#define PT_REGS_PARM5_CORE(x) __bpf_no_target()
#define PT_REGS_RC_CORE(x) __bpf_no_target()
#define PT_REGS_PARM1_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM2_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM3_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM4_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM5_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM1_CORE_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM2_CORE_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM3_CORE_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM4_CORE_SYSCALL(x) __bpf_no_target()
#define PT_REGS_PARM5_CORE_SYSCALL(x) __bpf_no_target()
#define PT_REGS_SYSCALL_REGS(ctx) __bpf_no_target()

#endif /* bpf_target_defined */

/* ---- BPF_PROG: tracing programs (raw_tp, tp_btf, fentry, ...) get u64 args ---- */

#define ___bpf_ctx_cast0() ctx
#define ___bpf_ctx_cast1(x) ___bpf_ctx_cast0(), (void *)ctx[0]
#define ___bpf_ctx_cast2(x, args...) ___bpf_ctx_cast1(args), (void *)ctx[1]
#define ___bpf_ctx_cast3(x, args...) ___bpf_ctx_cast2(args), (void *)ctx[2]
#define ___bpf_ctx_cast4(x, args...) ___bpf_ctx_cast3(args), (void *)ctx[3]
#define ___bpf_ctx_cast5(x, args...) ___bpf_ctx_cast4(args), (void *)ctx[4]
#define ___bpf_ctx_cast6(x, args...) ___bpf_ctx_cast5(args), (void *)ctx[5]
#define ___bpf_ctx_cast7(x, args...) ___bpf_ctx_cast6(args), (void *)ctx[6]
#define ___bpf_ctx_cast8(x, args...) ___bpf_ctx_cast7(args), (void *)ctx[7]
#define ___bpf_ctx_cast9(x, args...) ___bpf_ctx_cast8(args), (void *)ctx[8]
#define ___bpf_ctx_cast10(x, args...) ___bpf_ctx_cast9(args), (void *)ctx[9]
#define ___bpf_ctx_cast11(x, args...) ___bpf_ctx_cast10(args), (void *)ctx[10]
#define ___bpf_ctx_cast12(x, args...) ___bpf_ctx_cast11(args), (void *)ctx[11]
#define ___bpf_ctx_cast(args...) ___bpf_apply(___bpf_ctx_cast, ___bpf_narg(args))(args)

/*
 * `int BPF_PROG(name, struct task_struct *p, int x)` defines `int name(u64 *ctx)`
 * whose body sees `p` and `x` (each a u64 slot of ctx, converted); the
 * pragmas silence the pointer/integer conversions this implies.
 */
#define BPF_PROG(name, args...)                                                \
	name(unsigned long long *ctx);                                         \
	static __always_inline __typeof__(name(0))                             \
	____##name(unsigned long long *ctx, ##args);                           \
	__typeof__(name(0)) name(unsigned long long *ctx)                      \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____##name(___bpf_ctx_cast(args));                      \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline __typeof__(name(0))                             \
	____##name(unsigned long long *ctx, ##args)

/* ---- BPF_KPROBE / BPF_KRETPROBE: arguments from pt_regs ---- */

#define ___bpf_kprobe_args0() ctx
#define ___bpf_kprobe_args1(x) ___bpf_kprobe_args0(), (void *)PT_REGS_PARM1(ctx)
#define ___bpf_kprobe_args2(x, args...) ___bpf_kprobe_args1(args), (void *)PT_REGS_PARM2(ctx)
#define ___bpf_kprobe_args3(x, args...) ___bpf_kprobe_args2(args), (void *)PT_REGS_PARM3(ctx)
#define ___bpf_kprobe_args4(x, args...) ___bpf_kprobe_args3(args), (void *)PT_REGS_PARM4(ctx)
#define ___bpf_kprobe_args5(x, args...) ___bpf_kprobe_args4(args), (void *)PT_REGS_PARM5(ctx)
#define ___bpf_kprobe_args6(x, args...) ___bpf_kprobe_args5(args), (void *)PT_REGS_PARM6(ctx)
#define ___bpf_kprobe_args7(x, args...) ___bpf_kprobe_args6(args), (void *)PT_REGS_PARM7(ctx)
#define ___bpf_kprobe_args8(x, args...) ___bpf_kprobe_args7(args), (void *)PT_REGS_PARM8(ctx)
#define ___bpf_kprobe_args(args...) ___bpf_apply(___bpf_kprobe_args, ___bpf_narg(args))(args)

/* `int BPF_KPROBE(name, int fd, void *buf)`: a kprobe program seeing the probed function's arguments. */
#define BPF_KPROBE(name, args...)                                              \
	name(struct pt_regs *ctx);                                             \
	static __always_inline __typeof__(name(0))                             \
	____##name(struct pt_regs *ctx, ##args);                               \
	__typeof__(name(0)) name(struct pt_regs *ctx)                          \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____##name(___bpf_kprobe_args(args));                   \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline __typeof__(name(0))                             \
	____##name(struct pt_regs *ctx, ##args)

#define ___bpf_kretprobe_args0() ctx
#define ___bpf_kretprobe_args1(x) ___bpf_kretprobe_args0(), (void *)PT_REGS_RC(ctx)
#define ___bpf_kretprobe_args(args...) ___bpf_apply(___bpf_kretprobe_args, ___bpf_narg(args))(args)

/* `int BPF_KRETPROBE(name, int ret)`: a kretprobe program seeing the return value. */
#define BPF_KRETPROBE(name, args...)                                           \
	name(struct pt_regs *ctx);                                             \
	static __always_inline __typeof__(name(0))                             \
	____##name(struct pt_regs *ctx, ##args);                               \
	__typeof__(name(0)) name(struct pt_regs *ctx)                          \
	{                                                                      \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____##name(___bpf_kretprobe_args(args));                \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline __typeof__(name(0)) ____##name(struct pt_regs *ctx, ##args)

/* uprobes see user functions through the same pt_regs. */
#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)

/* ---- BPF_KSYSCALL: a kprobe on a syscall, seeing the syscall's arguments ---- */

#define ___bpf_syscall_args0() ctx
#define ___bpf_syscall_args1(x) ___bpf_syscall_args0(), (void *)PT_REGS_PARM1_CORE_SYSCALL(regs)
#define ___bpf_syscall_args2(x, args...) ___bpf_syscall_args1(args), (void *)PT_REGS_PARM2_CORE_SYSCALL(regs)
#define ___bpf_syscall_args3(x, args...) ___bpf_syscall_args2(args), (void *)PT_REGS_PARM3_CORE_SYSCALL(regs)
#define ___bpf_syscall_args4(x, args...) ___bpf_syscall_args3(args), (void *)PT_REGS_PARM4_CORE_SYSCALL(regs)
#define ___bpf_syscall_args5(x, args...) ___bpf_syscall_args4(args), (void *)PT_REGS_PARM5_CORE_SYSCALL(regs)
#define ___bpf_syscall_args(args...) ___bpf_apply(___bpf_syscall_args, ___bpf_narg(args))(args)

/*
 * Syscalls are entered through wrappers that take the user's pt_regs as
 * their only argument (kernel 4.17+ on x86-64, arm64, s390, riscv): the
 * arguments are read from that inner pt_regs.
 */
#define BPF_KSYSCALL(name, args...)                                            \
	name(struct pt_regs *ctx);                                             \
	static __always_inline __typeof__(name(0))                             \
	____##name(struct pt_regs *ctx, ##args);                               \
	__typeof__(name(0)) name(struct pt_regs *ctx)                          \
	{                                                                      \
		struct pt_regs *regs = PT_REGS_SYSCALL_REGS(ctx);              \
		_Pragma("GCC diagnostic push")                                 \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")         \
		return ____##name(___bpf_syscall_args(args));                  \
		_Pragma("GCC diagnostic pop")                                  \
	}                                                                      \
	static __always_inline __typeof__(name(0))                             \
	____##name(struct pt_regs *ctx, ##args)

#define BPF_KPROBE_SYSCALL BPF_KSYSCALL

#endif /* __BPF_TRACING_H__ */
