/* Map-in-map: an array of maps with its `values` initialized. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, int);
} inner1 SEC(".maps"), inner2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, int);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { &inner1, &inner2 },
};

SEC("syscall")
int pick(void *ctx)
{
	int one = 1;
	void *in = bpf_map_lookup_elem(&outer, &one);
	if (in) {
		int zero = 0;
		int *iv = bpf_map_lookup_elem(in, &zero);
		if (iv)
			*iv = 77;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
