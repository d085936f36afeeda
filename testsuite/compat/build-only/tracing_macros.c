/*
 * Build-only: the macros of bpf_core_read.h, bpf_tracing.h and bpf_helpers.h
 * that the run programs do not use (kprobes and iterators cannot be
 * test-run), compiled by every compiler against runtime-headers/bpf.
 */
#define __TARGET_ARCH_x86
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

SEC("kprobe/do_sys_openat2")
int BPF_KSYSCALL(ks, int dfd, const char *name, long flags)
{
	char buf[16];
	struct task_struct *t = (void *)bpf_get_current_task();
	long r = 0;
	__u64 ip = 0;

	BPF_CORE_READ_STR_INTO(&buf, t, comm);
	BPF_PROBE_READ_STR_INTO(&buf, t, comm);
	/* Not t->mm->pgd: gcc 12 crashes on __builtin_preserve_access_index(&mm->pgd). */
	r += BPF_CORE_READ(t, real_parent, pid) != 0;
	r += BPF_CORE_READ_USER(t, pid) + BPF_PROBE_READ_USER(t, pid);
	r += bpf_core_type_exists(struct task_struct) + bpf_core_type_size(struct task_struct);
	r += bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_ARRAY);
	r += bpf_core_field_size(struct task_struct, pid);
	r += PT_REGS_PARM1_CORE(ctx) + PT_REGS_RC_CORE(ctx) + PT_REGS_PARM3_CORE_SYSCALL(ctx);
	BPF_KPROBE_READ_RET_IP(ip, ctx);
	BPF_KRETPROBE_READ_RET_IP(ip, ctx);
	r += bpf_cpu_to_be64(ip) + bpf_htonl(flags) + dfd + (long)name;
#if __has_builtin(__builtin_preserve_field_info)
	/* Needs field-info relocations: a compile error elsewhere, by design. */
	r += BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
#endif
	return r;
}

SEC("iter/task")
int seq(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	BPF_SEQ_PRINTF(seq, "%d %d\n", 1, 2);
	return 0;
}

char _license[] SEC("license") = "GPL";
