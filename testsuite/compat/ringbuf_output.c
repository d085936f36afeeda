/* syscall program: bpf_ringbuf_output of a stack record, twice in one function; returns the data size after both. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} out SEC(".maps");

SEC("syscall")
int ringbuf_output(__u64 *ctx)
{
	__u64 rec[2] = { ctx[0], ctx[0] * 2 };
	__u64 before = bpf_ringbuf_query(&out, BPF_RB_AVAIL_DATA);

	if (bpf_ringbuf_output(&out, rec, sizeof(rec), 0))
		return -1;
	if (bpf_ringbuf_output(&out, rec, 8, BPF_RB_NO_WAKEUP))
		return -2;
	return bpf_ringbuf_query(&out, BPF_RB_AVAIL_DATA) - before;
}

char _license[] SEC("license") = "GPL";
