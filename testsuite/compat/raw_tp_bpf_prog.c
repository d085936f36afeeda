/* raw tracepoint: BPF_PROG from bpf_tracing.h unpacks the u64 argument array into typed arguments. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_tp_bpf_prog, struct pt_regs *regs, long id)
{
	return regs ? id * 2 : -1;
}

char _license[] SEC("license") = "GPL";
