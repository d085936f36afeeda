/* Build-only: BPF_KPROBE, BPF_KRETPROBE and BPF_KSYSCALL for arm64, without vmlinux.h or the architecture's UAPI headers. */
#define __TARGET_ARCH_arm64
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(kp_arm64, int dfd, void *name)
{
	return dfd + (name != 0) + PT_REGS_PARM2_CORE(ctx) != 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(krp_arm64, long ret)
{
	unsigned long ip = 0;

	BPF_KPROBE_READ_RET_IP(ip, ctx);
	return ret + (ip != 0);
}

SEC("ksyscall/openat")
int BPF_KSYSCALL(ks_arm64, int dfd, const char *path, int flags)
{
	return dfd + flags + (path != 0);
}

char _license[] SEC("license") = "GPL";
