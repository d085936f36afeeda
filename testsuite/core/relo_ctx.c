/* Context and kernel-object fields through local types whose layout differs
 * from the kernel's (as verifier_sockmap_mutate.c's test_trace_iter): the
 * verifier accepts the program only if libbpf moved the accesses to the
 * kernel's offsets (`task` is at 8 in the kernel's context, not 0, and
 * `pid` far from 0 in its task_struct). */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

struct task_struct___local {
	int pid;
} __attribute__((preserve_access_index));

struct bpf_iter__task___local {
	struct task_struct___local *task;
} __attribute__((preserve_access_index));

SEC("iter/task")
int first_task(struct bpf_iter__task___local *ctx)
{
	struct task_struct___local *t = ctx->task;

	if (!t)
		return 0;
	return t->pid == 1;
}

char _license[] SEC("license") = "GPL";
