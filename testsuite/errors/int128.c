/* 128-bit integer arithmetic is not supported on BPF (all on line 4). */
unsigned long long prog(unsigned long long *ctx)
{
	__int128 a = ctx[0]; return (unsigned long long)((a * a) >> 64); // ERROR 4: 128
}
