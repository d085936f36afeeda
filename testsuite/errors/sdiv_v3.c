/* Signed division needs -mcpu=v4 (BPF_SDIV); at v3 it is an error, as with clang. */
// CPU 3
int prog(int *ctx)
{
	int a = ctx[0], b = ctx[1];
	return a / b; // ERROR 6: signed division
}
