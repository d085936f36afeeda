/* The unary * applied to an int. */
int prog(int *ctx)
{
	int v = ctx[0];
	return *v; // ERROR 5: pointer
}
