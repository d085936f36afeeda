/* A variable that is never declared. */
int prog(void *ctx)
{
	int x = 1;
	return x + y; // ERROR 5:13: undeclared identifier 'y'
}
