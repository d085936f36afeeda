/* Calls with too many and too few arguments, both on line 9. */
// ERROR 10: too few arguments
static __attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

int prog(int *ctx)
{
	return add(ctx[0], 1, 2) + add(ctx[1]); // ERROR 10: too many arguments
}
