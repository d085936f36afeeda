/* break with no enclosing loop or switch. */
int prog(int *ctx)
{
	if (ctx[0])
		break; // ERROR 5:3: break
	return 0;
}
