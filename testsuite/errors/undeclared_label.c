/* goto a label that does not exist. */
int prog(int *ctx)
{
	if (ctx[0])
		goto nowhere; // ERROR 5:8: undeclared label 'nowhere'
	return 0;
}
