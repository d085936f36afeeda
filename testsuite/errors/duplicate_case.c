/* Two case labels with the same value (after evaluation). */
int prog(int *ctx)
{
	switch (ctx[0]) {
	case 1:
		return 10;
	case 2 - 1: // ERROR 7: duplicate case
		return 20;
	}
	return 0;
}
