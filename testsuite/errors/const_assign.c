/* Assignment to a const-qualified variable. */
int prog(int *ctx)
{
	const int limit = 10;
	limit = ctx[0]; // ERROR 5: const
	return limit;
}
