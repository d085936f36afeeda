/* BPF has no floating point: a double value and a floating multiplication, all on line 4. */
int prog(int *ctx)
{
	double d = *ctx; return d * 1.5; // ERROR 4: floating
}
