/* CO-RE relocations that libbpf resolves against the running kernel's BTF:
 * every program returns a value computed from the kernel's types, which
 * differ from the local definitions below on purpose. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* The kernel's task_struct, shortened: `pid` is far from offset 0 there. */
struct task_struct___local {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct no_such_type___local {
	int x;
};

/* The kernel's enum, with other values. */
enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC = 70,
	BPF_MAP_TYPE_HASH = 71,
	BPF_MAP_TYPE_ARRAY = 72,
};

SEC("syscall")
int type_size(void *ctx)
{
	return bpf_core_type_size(struct task_struct___local);
}

SEC("syscall")
int field_offset(void *ctx)
{
	return bpf_core_field_offset(struct task_struct___local, tgid);
}

SEC("syscall")
int field_size(void *ctx)
{
	return bpf_core_field_size(struct task_struct___local, pid);
}

SEC("syscall")
int field_exists(void *ctx)
{
	return bpf_core_field_exists(struct task_struct___local, pid) * 10 +
	       bpf_core_type_exists(struct task_struct___local) * 100 +
	       bpf_core_type_exists(struct no_such_type___local);
}

SEC("syscall")
int enum_value(void *ctx)
{
	return bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_ARRAY) +
	       bpf_core_enum_value_exists(enum bpf_map_type, BPF_MAP_TYPE_HASH) * 100;
}

SEC("syscall")
int type_id(void *ctx)
{
	/* The kernel's id of task_struct: nonzero when resolved. */
	return bpf_core_type_id_kernel(struct task_struct___local) != 0;
}

SEC("syscall")
int read_pid(void *ctx)
{
	struct task_struct___local *t = (void *)bpf_get_current_task();
	int pid = BPF_CORE_READ(t, pid);
	int tgid = BPF_CORE_READ(t, tgid);

	return pid == (__u32)bpf_get_current_pid_tgid() &&
	       tgid == (bpf_get_current_pid_tgid() >> 32);
}

char _license[] SEC("license") = "GPL";
