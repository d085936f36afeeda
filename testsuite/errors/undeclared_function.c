/* Implicit function declarations are errors (C99 and later). */
int prog(int *ctx)
{
	return helper_that_does_not_exist(ctx[0]); // ERROR 4:9: undeclared function 'helper_that_does_not_exist'
}
