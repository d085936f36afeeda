/* bpf_get_current_pid_tgid (14) and bpf_get_current_uid_gid (15) from a syscall program run by the test process: only invariants are compared. */
typedef unsigned char u8;
typedef signed char s8;
typedef unsigned short u16;
typedef signed short s16;
typedef unsigned int u32;
typedef signed int s32;
typedef unsigned long long u64;
typedef signed long long s64;

#define SEC(name) __attribute__((section(name), used))

#if __has_attribute(kernel_helper)
u64 bpf_get_current_pid_tgid(void) __attribute__((kernel_helper(14)));
u64 bpf_get_current_uid_gid(void) __attribute__((kernel_helper(15)));
#else
static u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static u64 (*bpf_get_current_uid_gid)(void) = (void *)15;
#endif

struct args {
	u32 unused;
};

SEC("syscall")
int helper_current_task(struct args *ctx)
{
	u64 a = bpf_get_current_pid_tgid();
	u64 b = bpf_get_current_pid_tgid();
	u64 ids = bpf_get_current_uid_gid();

	/* Same task twice; a user process has a non-zero pid; the tests run as root (uid 0). */
	return (a == b) + ((u32)a != 0) * 10 + ((a >> 32) != 0) * 100 + ((u32)ids == 0) * 1000;
}

char _license[] SEC("license") = "GPL";
