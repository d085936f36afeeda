/* syscall program: a ring buffer record reserved, filled and submitted; the available data is then queried. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 id;
	__u32 len;
	__u64 payload;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("syscall")
int ringbuf_reserve(__u32 *id)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return -1;
	e->id = *id;
	e->len = sizeof(*e);
	e->payload = 0x1122334455667788ULL;
	bpf_ringbuf_submit(e, 0);
	/* Nobody consumes: the data grows by one record (8-byte header + 16 bytes) per run of a load. */
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
}

char _license[] SEC("license") = "GPL";
