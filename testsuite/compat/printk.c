/* syscall program: bpf_printk with 0 to 3 arguments (bpf_trace_printk) and with 5 (bpf_trace_vprintk). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
	__u32 a, b, c;
};

SEC("syscall")
int printk(struct args *v)
{
	long a = bpf_printk("compat: printk");
	long b = bpf_printk("compat: %u", v->a);
	long c = bpf_printk("compat: %u %u %u", v->a, v->b, v->c);
	long d = bpf_printk("compat: %u %u %u %u %u", v->a, v->b, v->c, v->a, v->b);

	/* Each returns the number of bytes written, or a negative error. */
	return (a > 0) + (b > 0) + (c > 0) + (d > 0);
}

char _license[] SEC("license") = "GPL";
