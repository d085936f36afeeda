/* sizeof of a struct that is never defined. */
int prog(int *ctx)
{
	return sizeof(struct undefined_thing); // ERROR 4: incomplete
}
