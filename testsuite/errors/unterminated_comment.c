/* A comment that never ends. */
// ERROR 7:1: unterminated
int prog(void *ctx)
{
	return 0;
}
/* this comment is not closed
