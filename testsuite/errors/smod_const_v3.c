/* Signed remainder by a constant is still signed division: refused below v4. */
// CPU 3
long prog(long *ctx)
{
	long a = ctx[0];
	return a % 8; // ERROR 6: signed
}
