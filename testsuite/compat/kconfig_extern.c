/* syscall program: libbpf's __kconfig externs (LINUX_KERNEL_VERSION, a missing __weak CONFIG_ option) and KERNEL_VERSION. */
// gcc-12 cannot: it emits no BTF for extern variables, which libbpf needs for __kconfig ("failed to find BTF for extern")
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_BPFCC_COMPAT_NO_SUCH_OPTION __kconfig __weak;

SEC("syscall")
int kconfig_extern(void *ctx)
{
	return (LINUX_KERNEL_VERSION >= KERNEL_VERSION(6, 0, 0)) + (CONFIG_BPFCC_COMPAT_NO_SUCH_OPTION == 0) * 2;
}

char _license[] SEC("license") = "GPL";
