/* A 600-byte array does not fit the 512-byte BPF stack. */
int prog(unsigned char *ctx)
{
	unsigned char big_buffer[600]; // ERROR 4: stack ... 512 ... big_buffer
	int i;

	for (i = 0; i < 600; i++)
		big_buffer[i] = ctx[i & 7];
	return big_buffer[ctx[0]];
}
