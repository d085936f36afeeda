/* BPF calls pass at most five arguments in registers. */
static long (*bpf_six)(long, long, long, long, long, long) = (void *)6;

int prog(long *ctx)
{
	return bpf_six(1, 2, 3, 4, 5, ctx[0]); // ERROR 6: argument
}
