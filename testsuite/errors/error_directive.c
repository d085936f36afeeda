/* #error stops the compilation with its message. */
// ERROR 7: this configuration is not supported
#ifndef __bpf__
#define NOT_BPF
#endif
#if 1
#error "this configuration is not supported"
#endif
int prog(void *ctx)
{
	return 0;
}
