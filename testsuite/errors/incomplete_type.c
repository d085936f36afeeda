/* A variable of a struct type that is declared but never defined. */
struct never_defined;

int prog(void *ctx)
{
	struct never_defined v; // ERROR 6: incomplete
	return 0;
}
