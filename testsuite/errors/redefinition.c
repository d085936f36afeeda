/* The same name defined twice in one scope. */
int prog(int *ctx)
{
	int x = ctx[0];
	int x = 2; // ERROR 5:6: redefinition of 'x'
	return x;
}
