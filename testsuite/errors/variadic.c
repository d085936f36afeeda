/* Reading variadic arguments: BPF passes arguments in registers only, so va_start cannot work. */
static int sum(int n, ...)
{
	__builtin_va_list ap;
	int s;

	__builtin_va_start(ap, n); // ERROR 7: va_start
	s = __builtin_va_arg(ap, int);
	__builtin_va_end(ap);
	return s + n;
}

int prog(int *ctx)
{
	return sum(ctx[0], 1, 2);
}
