/* A call through a function pointer loaded from memory: BPF has no indirect calls.
 * (clang-19 emits callx here, which the kernel refuses.) */
// CLANG-ACCEPTS
typedef int (*handler_t)(int);

int prog(long *ctx)
{
	handler_t fn = (handler_t)ctx[0];
	return fn(1); // ERROR 9: indirect call
}
