static int sum(int n, ...) // ERROR 1: variadic
{
	__builtin_va_list ap;
	int s;

	__builtin_va_start(ap, n);
	s = __builtin_va_arg(ap, int);
	__builtin_va_end(ap);
	return s + n;
}

/* Variadic functions cannot be compiled for BPF (no stack-passed arguments). */
int prog(int *ctx)
{
	return sum(ctx[0], 1, 2);
}
