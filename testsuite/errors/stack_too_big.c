/* A 600-byte array exceeds the 512-byte stack: reported at the function, naming the variable. */
int prog(unsigned char *ctx) // ERROR 2:5: stack ... 512 ... big_buffer
{
	unsigned char big_buffer[600];
	int i;

	for (i = 0; i < 600; i++)
		big_buffer[i] = ctx[i & 7];
	return big_buffer[ctx[0]];
}
